import { describe, expect, it } from 'vitest';
import { crossedThresholds, decide } from './decide.ts';

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
  it('lists the thresholds a spend crossed', () => {
    expect(crossedThresholds(thresholds, 400, 850, 1000).map((t) => t.percent)).toEqual([50, 80]);
  });
});
