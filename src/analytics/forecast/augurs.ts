import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ets from '@bsull/augurs/ets';
import * as mstl from '@bsull/augurs/mstl';

/**
 * The augurs WASM modules, initialised once and synchronously: their default async `init()`
 * fetches a `file:` URL, which fails in Node (and offline), so the bytes are read from the
 * installed package instead. Each module carries its own WASM instance.
 */
let ready = false;

function ensureReady(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  // The package exports only its JS entries: find the folder through one of them.
  const folder = dirname(require.resolve('@bsull/augurs/ets'));
  const wasm = (name: string) => readFileSync(join(folder, `${name}_bg.wasm`));
  ets.initSync({ module: wasm('ets') });
  mstl.initSync({ module: wasm('mstl') });
  ready = true;
}

/** A fitted model's forecast: points, and the interval at the level asked for. */
export interface RawForecast {
  point: number[];
  lower: number[];
  upper: number[];
}

/** MSTL (seasonal periods, AutoETS on the trend) fitted to `y`, forecasting `horizon` steps. */
export function mstlForecast(y: Float64Array, periods: readonly number[], horizon: number, level: number): RawForecast {
  ensureReady();
  const model = mstl.MSTL.ets([...periods]);
  try {
    model.fit(y);
    return unpack(model.predict(horizon, level), horizon);
  } finally {
    model.free();
  }
}

/** AutoETS (additive/multiplicative search, `ZZZ`) with the given season length. */
export function etsForecast(y: Float64Array, seasonLength: number, horizon: number, level: number): RawForecast {
  ensureReady();
  const model = new ets.AutoETS(seasonLength, 'ZZZ');
  try {
    model.fit(y);
    return unpack(model.predict(horizon, level), horizon);
  } finally {
    model.free();
  }
}

function unpack(forecast: { point: number[]; intervals?: { lower: number[]; upper: number[] } | undefined }, horizon: number): RawForecast {
  const point = Array.from(forecast.point).slice(0, horizon);
  const lower = forecast.intervals ? Array.from(forecast.intervals.lower).slice(0, horizon) : point.slice();
  const upper = forecast.intervals ? Array.from(forecast.intervals.upper).slice(0, horizon) : point.slice();
  return { point, lower, upper };
}
