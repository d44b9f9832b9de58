import { describe, expect, it } from 'vitest';
import { HOUR_MS, buildCube, type HourCell } from './cube.ts';
import { detectHour } from './detect.ts';
import { DEFAULT_DETECT_OPTIONS } from './options.ts';
import { changeCorrelation, logSeries, peerGap } from './peers.ts';
import { mulberry32 } from '../../domain/seeded-random.ts';

const T0 = Date.parse('2026-11-02T00:00:00Z');
const HOURS = 10 * 24;

/**
 * A project of two noisy twin clients (one shared swing of up to e^±1.2 an hour, as mirrored keys
 * show in ServeGen) and a steady one; `last` edits the last hour's cost per key (a factor).
 */
function twins(last: Record<string, number> = {}, silentEvery = 0): HourCell[] {
  const random = mulberry32(11);
  const out: HourCell[] = [];
  for (let h = 0; h < HOURS; h++) {
    const swing = h === HOURS - 1 ? 1 : Math.exp(1.2 * (2 * random() - 1));
    const cycle = 1 + 0.5 * Math.sin(((h % 24) / 24) * 2 * Math.PI);
    for (const [key, usd] of [['twin-a', 4], ['twin-b', 2], ['steady', 3]] as const) {
      let factor = key === 'steady' ? cycle : cycle * swing;
      if (h === HOURS - 1) factor *= last[key] ?? 1;
      if (silentEvery && key === 'twin-a' && h % silentEvery === 0 && h < HOURS - 1) factor = 0;
      if (factor === 0) continue;
      out.push({ hourMs: T0 + h * HOUR_MS, project: 'p', user: null, key, model: 'm', requests: Math.round(100 * factor), costNanoUsd: Math.round(usd * factor * 1e9), inputTokens: Math.round(1e5 * factor), outputTokens: 0 });
    }
  }
  return out;
}

const onKeys = (cells: HourCell[], options = DEFAULT_DETECT_OPTIONS) => detectHour(buildCube(cells, T0, HOURS), HOURS - 1, 'acme', options).filter((f) => f.series.dimension === 'key').map((f) => ({ kind: f.kind, key: f.series.value, first: f.rootCause[0]?.value }));

describe('peer baselines', () => {
  it('correlation of hourly changes and the gap to a peer', () => {
    const a = logSeries([1, 2, 4, 2, 1, 2, 4, 2], 0, 7, 0);
    const b = logSeries([3, 6, 12, 6, 3, 6, 12, 6], 0, 7, 0);
    expect(changeCorrelation(a, b, 8)).toBeCloseTo(1, 9);
    expect(changeCorrelation(a, b.map((v) => -v), 8)).toBeCloseTo(-1, 9);
    // The last point breaks the usual ratio (a third) by 10x.
    const own = Float64Array.from([...a.subarray(0, 7), Math.log(20)]);
    const gap = peerGap(own, b, { recentHours: 24, minSigma: 0.1 });
    expect(Math.exp(gap.logRatio)).toBeCloseTo(1 / 3, 9);
    expect(gap.z).toBeCloseTo(Math.log(10) / 0.1, 6);
  });

  it("a noisy client dropping to a tenth is found against its twin, though its own swings hide it; the twin is not told", () => {
    const cells = twins({ 'twin-a': 0.1 });
    expect(onKeys(cells, { ...DEFAULT_DETECT_OPTIONS, peerMinCorrelation: 2 })).toEqual([]);
    expect(onKeys(cells)).toEqual([{ kind: 'drop', key: 'twin-a', first: 'twin-a' }]);
  });

  it('twins swinging together raise nothing', () => {
    expect(onKeys(twins({ 'twin-a': 3, 'twin-b': 3 }))).toEqual([]);
  });
});

describe('a key stopping outright', () => {
  it('is an outage when it never went an hour silent, however widely it swings', () => {
    const cells = twins({ 'twin-a': 0, 'twin-b': 0 });
    const off = { ...DEFAULT_DETECT_OPTIONS, keyStopHours: 0 };
    expect(onKeys(cells, off)).toEqual([]);
    expect(onKeys(cells).map((f) => [f.kind, f.key])).toEqual([['outage', 'twin-a'], ['outage', 'twin-b']]);
  });

  it('is not, by that rule, for a key often silent', () => {
    const cells = twins({ 'twin-a': 0 }, 10);
    expect(onKeys(cells).filter((f) => f.key === 'twin-a')).toEqual([]);
  });
});
