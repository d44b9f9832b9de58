import { etsForecast, mstlForecast } from './augurs.ts';
import type { ModelChoice } from './choose-model.ts';
import { zOf } from './intervals.ts';
import { anchorLevel, recentLevel } from './level-anchor.ts';
import { seasonalProfile } from './seasonal-profile.ts';

/**
 * How a seasonal forecast's mean is made from one model fit: the shape is the model's own (MSTL or
 * AutoETS, re-levelled additively), the recent seasonal profile times the level (multiplicative),
 * or the mean of the two; the level is the recent level with `halfLifeHours` (see recentLevel).
 * Which one suits a history is chosen by a backtest on it (select-method.ts).
 */
export type ForecastShape = 'model' | 'profile' | 'mean';

export interface ForecastMethod {
  shape: ForecastShape;
  halfLifeHours: number;
}

/** Before any backtest: the model's shape on a two-day half-life (what Tollgate always did). */
export const DEFAULT_METHOD: ForecastMethod = { shape: 'model', halfLifeHours: 48 };

/** A model's raw forecast: means and half-widths at 80% and 95%. */
export interface RawPoints {
  mean: number[];
  half80: number[];
  half95: number[];
}

/** One fit of a seasonal model, from which every method's mean is arithmetic (see meanOf). */
export interface SeasonalFit {
  /** The model's points over whole seasons (at least two, covering the horizon). */
  point: number[];
  /** The model's 80% and 95% half-widths over the horizon. */
  half80: number[];
  half95: number[];
  /** The longest season modelled (24 or 168 hours). */
  season: number;
  /** The cleaned history the model was fitted on. */
  history: ArrayLike<number>;
}

/** Fits MSTL or AutoETS (`choice.model`) on `y` for `horizon` hours. Throws when the model cannot fit or gives non-finite values. */
export function fitSeasonal(choice: ModelChoice, y: Float64Array, horizon: number): SeasonalFit {
  // Whole seasons, at least two, so the re-levelling sees the shape's true mean; cut afterwards.
  const season = Math.max(...choice.periods, 24);
  const steps = Math.max(2 * season, Math.ceil(horizon / season) * season);
  const forecast = choice.model === 'mstl' ? mstlForecast(y, choice.periods, steps, 0.95) : etsForecast(y, choice.periods[0] ?? 24, steps, 0.95);
  if (forecast.point.some((value) => !Number.isFinite(value))) throw new Error('the model produced non-finite values');
  const half95 = forecast.point.slice(0, horizon).map((point, i) => Math.max(0, (forecast.upper[i]! - forecast.lower[i]!) / 2) || Math.abs(point) * 0.1);
  const ratio = zOf(0.8) / zOf(0.95);
  return { point: forecast.point, half95, half80: half95.map((h) => h * ratio), season, history: y };
}

/** The forecast means of `method` from a fit, `horizon` hours (never below zero). Pure. */
export function meanOf(fit: SeasonalFit, method: ForecastMethod, horizon: number): number[] {
  const { point, season, history } = fit;
  const model = method.shape === 'profile' ? [] : anchorLevel(point, history, method.halfLifeHours, season);
  const level = method.shape === 'model' ? 0 : recentLevel(history, method.halfLifeHours, season);
  const profile = method.shape === 'model' ? [] : seasonalProfile(history, season, horizon);
  return Array.from({ length: horizon }, (_, i) => {
    if (method.shape === 'model') return Math.max(0, model[i]!);
    const byProfile = level * profile[i]!;
    return method.shape === 'profile' ? byProfile : (Math.max(0, model[i]!) + byProfile) / 2;
  });
}

/** `fitSeasonal` then `meanOf`: the raw points of a seasonal model with a method. */
export function fitRawSeasonal(choice: ModelChoice, y: Float64Array, horizon: number, method: ForecastMethod): RawPoints {
  const fit = fitSeasonal(choice, y, horizon);
  return { mean: meanOf(fit, method, horizon), half80: fit.half80, half95: fit.half95 };
}
