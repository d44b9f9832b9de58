import { describe, expect, it } from 'vitest';
import { seasonalExpected, seasonalScore } from './baseline.ts';
import { HOUR_MS, buildCube, type HourCell } from './cube.ts';
import { detectHour, judgedSeries, watchedSeries } from './detect.ts';
import { DEFAULT_DETECT_OPTIONS } from './options.ts';
import { foldHour } from './episodes.ts';
import { median, robustSigma } from './robust.ts';
import type { Finding } from './types.ts';

const T0 = Date.parse('2026-11-02T00:00:00Z');
const DAYS = 10;
const HOURS = DAYS * 24;

/** Seeded noise so every run sees the same series. */
function noise(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1_103_515_245 + 12_345) % 2_147_483_648;
    return a / 2_147_483_648 - 0.5;
  };
}

interface Spender {
  project: string;
  key: string;
  model: string;
  /** Dollars per hour at the daily mean. */
  usd: number;
  requests: number;
}
const SPENDERS: Spender[] = [
  { project: 'web', key: 'k-web-1', model: 'small', usd: 2, requests: 200 },
  { project: 'web', key: 'k-web-2', model: 'small', usd: 1, requests: 100 },
  { project: 'api', key: 'k-api', model: 'large', usd: 3, requests: 50 },
  { project: 'api', key: 'k-api-2', model: 'small', usd: 0.5, requests: 50 },
];

/** Ten days of hourly cells with a daily cycle and 10% noise; `edit` changes the last hour's cells. */
function cells(edit: (cell: HourCell, hour: number) => HourCell | HourCell[] = (c) => c): HourCell[] {
  const random = noise(7);
  const out: HourCell[] = [];
  for (let h = 0; h < HOURS; h++) {
    const cycle = 1 + 0.6 * Math.sin(((h % 24) / 24) * 2 * Math.PI);
    for (const s of SPENDERS) {
      const factor = cycle * (1 + 0.2 * random());
      const cell: HourCell = { hourMs: T0 + h * HOUR_MS, project: s.project, user: null, key: s.key, model: s.model, requests: Math.round(s.requests * factor), costNanoUsd: Math.round(s.usd * factor * 1e9), inputTokens: Math.round(s.requests * factor * 1000), outputTokens: 0 };
      const edited = h === HOURS - 1 ? edit(cell, h) : cell;
      out.push(...(Array.isArray(edited) ? edited : [edited]));
    }
  }
  return out;
}

const detectLast = (input: HourCell[]) => detectHour(buildCube(input, T0, HOURS), HOURS - 1, 'acme');
const brief = (f: Finding) => ({ kind: f.kind, series: f.series, cause: f.rootCause[0] && { dimension: f.rootCause[0].dimension, value: f.rootCause[0].value } });

describe('robust statistics and the seasonal baseline', () => {
  it('median and MAD sigma shrug off an outlier', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(robustSigma([1, 2, 3, 4, 1000])).toBeCloseTo(1.4826, 3);
  });

  it('the same-hour median follows a daily cycle and ignores one bad day', () => {
    const values: number[] = Array.from({ length: 24 * 8 + 1 }, (_, i) => (i % 24 === 5 ? 100 : 10));
    values[24 * 6 + 5] = 0; // an outage in the history
    expect(seasonalExpected(values, 24 * 8 + 5 - 24, 24)).toBe(100);
    expect(seasonalExpected(values, 24 * 8, 24)).toBe(10);
    expect(Number.isNaN(seasonalExpected(values, 30, 24))).toBe(true); // one day of history is not a baseline
    expect(Number.isNaN(seasonalScore(values, 30, { floor: 1 }).z)).toBe(true);
  });
});

describe('detection at a closed hour', () => {
  it('a normal hour raises nothing', () => {
    expect(detectLast(cells())).toEqual([]);
  });

  it('a 10x runaway key is a spike on its own series, the key named first', () => {
    const found = detectLast(cells((c) => (c.key === 'k-web-2' ? { ...c, requests: c.requests * 10, costNanoUsd: c.costNanoUsd * 10, inputTokens: c.inputTokens * 10 } : c)));
    expect(found.map(brief)).toEqual([{ kind: 'spike', series: { dimension: 'key', value: 'k-web-2' }, cause: { dimension: 'key', value: 'k-web-2' } }]);
    expect(found[0]!.atStakeNanoUsd).toBeGreaterThan(5e9);
    expect(found[0]!.message).toMatch(/^Key k-web-2 spiked/);
  });

  it('everything stopping is one outage of the total, not one per project, model and key', () => {
    const found = detectLast(cells((c) => ({ ...c, requests: 0, costNanoUsd: 0, inputTokens: 0 })));
    expect(found.map((f) => f.kind)).toEqual(['outage']);
    expect(found[0]!.series).toEqual({ dimension: 'total', value: null });
    expect(found[0]!.observed).toBe(0);
  });

  it('a client stopping is an outage of its own key, named first, though its project barely moves', () => {
    // k-api-2 is a seventh of project api: the project drops 14%, well inside its noise.
    const found = detectLast(cells((c) => (c.key === 'k-api-2' ? { ...c, requests: 0, costNanoUsd: 0, inputTokens: 0 } : c)));
    expect(found.map(brief)).toEqual([{ kind: 'outage', series: { dimension: 'key', value: 'k-api-2' }, cause: { dimension: 'key', value: 'k-api-2' } }]);
    expect(found[0]!.expected).toBeGreaterThan(0);
  });

  it('a key below the volume floor is not judged on its own (its stop is noise to its project)', () => {
    const input = cells((c) => (c.key === 'k-api-2' ? { ...c, requests: 0, costNanoUsd: 0, inputTokens: 0 } : c));
    const cube = buildCube(input, T0, HOURS);
    const found = detectHour(cube, HOURS - 1, 'acme', { ...DEFAULT_DETECT_OPTIONS, keyShareFloor: 0.2 });
    expect(found).toEqual([]);
    const watched = watchedSeries(cube);
    expect(judgedSeries(watched, HOURS - 1, { ...DEFAULT_DETECT_OPTIONS, keyShareFloor: 0.2 })).toBe(judgedSeries(watched, HOURS - 1) - 1);
  });

  it('a model stopping is one outage of that model, not one per client of it', () => {
    const found = detectLast(cells((c) => (c.model === 'small' ? { ...c, requests: 0, costNanoUsd: 0, inputTokens: 0 } : c)));
    expect(found.filter((f) => f.series.dimension === 'key')).toEqual([]);
    expect(found.map((f) => f.kind)).toContain('outage');
  });

  it('a prompt blow-up (same requests, 6x the tokens and cost) is a cost-per-request jump named by its key', () => {
    const found = detectLast(cells((c) => (c.key === 'k-web-1' ? { ...c, costNanoUsd: c.costNanoUsd * 6, inputTokens: c.inputTokens * 6 } : c)));
    const perRequest = found.find((f) => f.kind === 'cost-per-request');
    expect(perRequest && brief(perRequest).cause).toEqual({ dimension: 'key', value: 'k-web-1' });
    expect(perRequest!.message).toMatch(/prompt blow-up/);
  });

  it('a key moving its requests to a pricier model is a pricier-model switch, the model named first', () => {
    const found = detectLast(cells((c) => (c.key === 'k-web-1' ? { ...c, model: 'large', costNanoUsd: c.costNanoUsd * 8 } : c)));
    const switched = found.find((f) => f.kind === 'pricier-model');
    expect(switched && brief(switched).cause).toEqual({ dimension: 'model', value: 'large' });
  });

  it('a model and a key never seen before are news, once each', () => {
    const found = detectLast(cells((c) => (c.key === 'k-api' ? [c, { ...c, key: 'k-new', model: 'brand-new', costNanoUsd: 1e9 }] : c)));
    expect(found.filter((f) => f.kind === 'new-model').map((f) => f.series)).toEqual([{ dimension: 'model', value: 'brand-new' }]);
    expect(found.filter((f) => f.kind === 'new-spender').map((f) => f.series)).toEqual([{ dimension: 'key', value: 'k-new' }]);
  });

  it('two clients of one model spiking in the same hour are two events: the second is not hidden in the model led by the first', () => {
    // k-web-1 (2 $/h) runs away 10x and k-api-2 (0.5 $/h) 20x: model small's spike names k-web-1 first.
    const factor: Record<string, number> = { 'k-web-1': 10, 'k-api-2': 20 };
    const input = cells((c) => (factor[c.key!] ? { ...c, requests: c.requests * factor[c.key!]!, costNanoUsd: c.costNanoUsd * factor[c.key!]!, inputTokens: c.inputTokens * factor[c.key!]! } : c));
    // k-api-2 tried the large model once, two days before: its own root cause then lists its models.
    input.push({ ...input.find((c) => c.key === 'k-api-2' && c.hourMs === T0 + (HOURS - 54) * HOUR_MS)!, model: 'large' });
    const found = detectHour(buildCube(input, T0, HOURS), HOURS - 1, 'acme');
    const told = new Set(found.filter((f) => f.kind === 'spike').flatMap((f) => [f.series.value, f.rootCause[0]?.value]));
    expect(told).toContain('k-web-1');
    expect(told).toContain('k-api-2');
  });

  it('a key that sent traffic to another model on another day is still inside its model for this hour (its stop is the model stopping)', () => {
    const input = cells((c) => (c.model === 'small' ? { ...c, requests: 0, costNanoUsd: 0, inputTokens: 0 } : c));
    // k-web-1 tried the large model once, two days and five hours before.
    const earlier = input.find((c) => c.key === 'k-web-1' && c.hourMs === T0 + (HOURS - 54) * HOUR_MS)!;
    input.push({ ...earlier, model: 'large' });
    const found = detectHour(buildCube(input, T0, HOURS), HOURS - 1, 'acme');
    expect(found.filter((f) => f.series.dimension === 'key')).toEqual([]);
    expect(found.map((f) => f.kind)).toContain('outage');
  });

  it('a key back at its level after a spike is not a drop, though its level carried from the spike hours is 10x, and a real drop after the same spike still is', () => {
    // k-web-1 runs at half its first week's level from day 7 (every hour sits at 0.4 of its
    // same-hour median), spikes 10x for the two hours before the checked one, then comes back.
    const scaled = (last: number) =>
      cells().map((c) => {
        if (c.key !== 'k-web-1') return c;
        const h = (c.hourMs - T0) / HOUR_MS;
        const factor = h === HOURS - 1 ? last : h >= HOURS - 3 ? 9 : h >= 7 * 24 ? 0.4 : 1;
        return { ...c, requests: Math.round(c.requests * factor), costNanoUsd: Math.round(c.costNanoUsd * factor), inputTokens: Math.round(c.inputTokens * factor) };
      });
    const onKey = (findings: Finding[]) => findings.filter((f) => f.series.dimension === 'key' && f.series.value === 'k-web-1').map((f) => f.kind);
    expect(onKey(detectLast(scaled(0.4)))).toEqual([]);
    expect(onKey(detectLast(scaled(0.06)))).toEqual(['drop']);
  });

  it('says nothing without history', () => {
    const cube = buildCube(cells(), T0, HOURS);
    expect(detectHour(cube, 30, 'acme')).toEqual([]);
  });
});

describe('episodes', () => {
  const finding = (hour: number, kind: Finding['kind'] = 'spike'): Finding => ({
    kind, orgId: 'acme', series: { dimension: 'project', value: 'web' }, hourMs: T0 + hour * HOUR_MS, observed: 5e9, expected: 1e9, atStakeNanoUsd: 4e9, score: 9, rootCause: [], message: 'Project web spiked',
  });
  it('one anomaly per series and kind family while it lasts; a long spike becomes a level shift; quiet hours end it', () => {
    let id = 0;
    const newId = () => `a${id++}`;
    let { created } = foldHour([], [finding(0)], T0, T0, newId);
    expect(created).toHaveLength(1);
    let current = created;
    for (let h = 1; h < 6; h++) {
      const { created: c, updated } = foldHour(current, [finding(h)], T0 + h * HOUR_MS, T0, newId);
      expect(c).toEqual([]);
      current = updated;
    }
    expect(current[0]).toMatchObject({ id: 'a0', kind: 'level-shift', atStakeNanoUsd: 6 * 4e9, lastSeenMs: T0 + 5 * HOUR_MS, endMs: null });
    // The same hour again (a restart) adds nothing.
    expect(foldHour(current, [finding(5)], T0 + 5 * HOUR_MS, T0, newId).updated).toEqual([]);
    const ended = foldHour(current, [], T0 + 8 * HOUR_MS, T0, newId).updated;
    expect(ended[0]).toMatchObject({ id: 'a0', endMs: T0 + 6 * HOUR_MS });
    ({ created } = foldHour(ended, [finding(9)], T0 + 9 * HOUR_MS, T0, newId));
    expect(created[0]!.id).toBe('a1');
  });

  it('a drop that lasts is a level shift down: later drop hours continue it, a spike opens its own', () => {
    let id = 0;
    const newId = () => `a${id++}`;
    const drop = (hour: number): Finding => ({ ...finding(hour, 'drop'), observed: 2e8, expected: 1e9, atStakeNanoUsd: 8e8, score: -6, message: 'Project web dropped' });
    let current = foldHour([], [drop(0)], T0, T0, newId).created;
    for (let h = 1; h < 8; h++) {
      const { created, updated } = foldHour(current, [drop(h)], T0 + h * HOUR_MS, T0, newId);
      expect(created, `hour ${h}`).toEqual([]);
      current = updated;
    }
    expect(current[0]).toMatchObject({ id: 'a0', kind: 'level-shift', atStakeNanoUsd: 8 * 8e8, lastSeenMs: T0 + 7 * HOUR_MS, endMs: null });
    const { created } = foldHour(current, [finding(8)], T0 + 8 * HOUR_MS, T0, newId);
    expect(created).toMatchObject([{ id: 'a1', kind: 'spike' }]);
  });

  it("an episode's root cause is who moved most of its dollars over its hours, not who led its last hour", () => {
    const led = (hour: number, value: string, atStake: number): Finding => ({ ...finding(hour), atStakeNanoUsd: atStake, rootCause: [{ dimension: 'key', value, share: 1, deltaNanoUsd: atStake }] });
    let id = 0;
    const newId = () => `a${id++}`;
    let current = foldHour([], [led(0, 'k-a', 8e9)], T0, T0, newId).created;
    current = foldHour(current, [led(1, 'k-a', 8e9)], T0 + HOUR_MS, T0, newId).updated;
    current = foldHour(current, [led(2, 'k-b', 2e9)], T0 + 2 * HOUR_MS, T0, newId).updated;
    expect(current[0]!.rootCause.map((c) => [c.value, c.share])).toEqual([['k-a', 0.889], ['k-b', 0.111]]);
    // A drop's deltas are negative: shares stay positive.
    const fell = (hour: number, value: string, atStake: number): Finding => ({ ...led(hour, value, atStake), kind: 'drop', rootCause: [{ dimension: 'key', value, share: 1, deltaNanoUsd: -atStake }] });
    let down = foldHour([], [fell(0, 'k-a', 3e9)], T0, T0, newId).created;
    down = foldHour(down, [fell(1, 'k-b', 1e9)], T0 + HOUR_MS, T0, newId).updated;
    expect(down[0]!.rootCause.map((c) => [c.value, c.share])).toEqual([['k-a', 0.75], ['k-b', 0.25]]);
  });
});
