import { describe, expect, it } from 'vitest';
import { forecastDays } from './forecast-days.ts';

const H = 3_600_000;
const D = 24 * H;
const point = (t: number, mean: number) => ({ t, mean, lo80: mean - 1, hi80: mean + 1, lo95: mean - 2, hi95: mean + 2 });

describe('forecastDays', () => {
  it('sums hours into UTC days; the day the forecast starts carries what is spent plus the rest', () => {
    const start = 10 * D;
    const history = [
      { t: start - D, value: 5 },
      { t: start - D + 12 * H, value: 5 },
      { t: start, value: 5 },
      { t: start + 6 * H, value: 3 },
    ];
    // Hours 7-23 of the start day (17) and the whole next day (24).
    const points = Array.from({ length: 17 + 24 }, (_, i) => point(start + (7 + i) * H, 2));
    const days = forecastDays({ history, points });
    expect(days.xs).toEqual([start - D, start, start + D]);
    expect(days.history).toEqual([10, 8, null]);
    expect(days.mean).toEqual([null, 8 + 17 * 2, 24 * 2]);
    expect(days.lo).toEqual([null, 8 + 17 * 1, 24 * 1]);
    expect(days.hi).toEqual([null, 8 + 17 * 3, 24 * 3]);
    expect(forecastDays({ history, points }, 95).hi[2]).toBe(24 * 4);
    // Three more hours into the day after: a stub, left out.
    const stub = [...points, ...[0, 1, 2].map((i) => point(start + 2 * D + i * H, 2))];
    expect(forecastDays({ history, points: stub }).xs).toEqual(days.xs);
  });

  it('a day without history or forecast inside the span is not invented; an empty forecast gives no days', () => {
    expect(forecastDays({ history: [], points: [] }).xs).toEqual([]);
    const days = forecastDays({ history: [{ t: 0, value: 1 }], points: Array.from({ length: 24 }, (_, i) => point(2 * D + i * H, 4)) });
    expect(days.xs).toEqual([0, 2 * D]);
    expect(days.history).toEqual([1, null]);
  });
});
