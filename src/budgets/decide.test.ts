import { describe, expect, it } from 'vitest';
import { crossedThresholds, decide, highestReached } from './decide.ts';

const thresholds = [
  { percent: 50, action: 'alert' as const },
  { percent: 80, action: 'queue' as const },
  { percent: 90, action: 'downgrade' as const, downgradeTo: 'cheap' },
  { percent: 100, action: 'block' as const },
];

describe('decide', () => {
  it('allows below every enforcing threshold', () => {
    expect(decide(thresholds, 600, 100, 1000, 'normal').action).toBe('allow');
  });
  it('holds only low-priority work at a queue threshold', () => {
    expect(decide(thresholds, 750, 100, 1000, 'low').action).toBe('queue');
    expect(decide(thresholds, 750, 100, 1000, 'normal').action).toBe('allow');
  });
  it('downgrades past the downgrade threshold, and blocks past the limit', () => {
    expect(decide(thresholds, 850, 100, 1000, 'normal')).toMatchObject({ action: 'downgrade', threshold: { downgradeTo: 'cheap' } });
    expect(decide(thresholds, 950, 100, 1000, 'high').action).toBe('block');
  });
  it('blocks over the limit even without thresholds', () => {
    expect(decide([], 950, 100, 1000, 'normal').action).toBe('block');
    expect(decide([], 800, 100, 1000, 'normal').action).toBe('allow');
  });
  it('lists the thresholds a spend crossed, lowest first', () => {
    expect(crossedThresholds([...thresholds].reverse(), 400, 850, 1000).map((t) => t.percent)).toEqual([50, 80]);
  });
  it('names the highest threshold reached after a jump over several', () => {
    expect(highestReached(thresholds, 960, 1000)?.percent).toBe(90);
    expect(highestReached(thresholds, 400, 1000)).toBeUndefined();
  });
  it('stacks actions by priority: past a queue threshold, low priority queues and normal priority is still downgraded', () => {
    const stacked = [
      { percent: 50, action: 'downgrade' as const, downgradeTo: 'cheap' },
      { percent: 80, action: 'queue' as const },
    ];
    for (const used of [500, 780, 850, 950]) expect(decide(stacked, used, 10, 1000, 'normal').action).toBe('downgrade');
    expect(decide(stacked, 850, 10, 1000, 'low').action).toBe('queue');
    expect(decide(stacked, 850, 10, 1000, 'high').action).toBe('downgrade');
    // The README's 90/95 example.
    const readme = [
      { percent: 90, action: 'downgrade' as const, downgradeTo: 'cheap' },
      { percent: 95, action: 'queue' as const },
    ];
    expect(decide(readme, 960, 10, 1000, 'normal').action).toBe('downgrade');
  });
  it('a block threshold below 100% refuses from there on', () => {
    expect(decide([{ percent: 90, action: 'block' }], 900, 10, 1000, 'high')).toMatchObject({ action: 'block', threshold: { percent: 90 } });
  });
});
