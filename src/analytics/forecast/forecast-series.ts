import { chooseModel, type ForecastModel, type ModelChoice } from './choose-model.ts';
import { cleanHistory } from './clean-history.ts';
import { conformalFactor, zOf } from './intervals.ts';
import { DEFAULT_METHOD, fitRawSeasonal, type ForecastMethod, type RawPoints } from './seasonal-fit.ts';
import { selectMethod } from './select-method.ts';

/** One forecast hour: the mean and the 80% and 95% prediction intervals (never below zero). */
export interface ForecastPoint {
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface SeriesForecast {
  model: ForecastModel;
  reason: string;
  /** Hours of history used (leading hours before the first activity are not history). */
  historyHours: number;
  /** Indexes (in the trimmed history) of hours replaced before fitting: outages and bursts. */
  cleanedHours: number[];
  points: ForecastPoint[];
  /** Factors applied to the model's own interval half-widths (conformal, from a held-out stretch); 1 when not calibrated. */
  calibration: { factor80: number; factor95: number; holdoutHours: number };
  /** How MSTL's and AutoETS's means are made (shape and level half-life; chosen by backtest when `selectMethod` asks). */
  method?: ForecastMethod;
}

export interface SeriesForecastOptions {
  /** Use this model instead of the one the history length calls for (backtests, tests). */
  model?: ModelChoice;
  /** Learn interval scaling on a held-out stretch (default true; costs a second fit). */
  calibrate?: boolean;
  /** Use these factors instead of learning them (parts of a total share the total's: one fit each). */
  calibration?: SeriesForecast['calibration'];
  /** Use this method (shape and level half-life) for MSTL and AutoETS instead of the default (parts of a total take the total's). */
  method?: ForecastMethod;
  /**
   * Choose MSTL's method by a rolling-origin backtest on the history (select-method.ts); the
   * intervals are calibrated on a held-out fit of the chosen method, as always. Off by default:
   * on ServeGen it helps the series with a level shift and costs the steadier ones (see
   * test/data/forecast-servegen.test.ts).
   */
  selectMethod?: boolean;
}

/**
 * Forecasts `horizon` hours after an hourly history (oldest first, the last complete hour last).
 * The model follows the history's length (see chooseModel); the history is cleaned of outages and
 * bursts first (see cleanHistory); MSTL's and AutoETS's means are the model's shape on the recent
 * level (see seasonal-fit.ts), or, with `selectMethod`, the shape and level half-life that a
 * backtest on the history itself chooses (see select-method.ts); intervals are the model's,
 * rescaled so they cover their level on the last stretch of history the model was not fitted on
 * (conformal scaling). Pure apart from the WASM models it calls.
 */
export function forecastSeries(history: ArrayLike<number>, horizon: number, options: SeriesForecastOptions = {}): SeriesForecast {
  const values = trimLeadingZeros(history);
  const active = values.reduce((count, value) => count + (value > 0 ? 1 : 0), 0);
  let choice = options.model ?? chooseModel(values.length, active);
  if (choice.model === 'none' || horizon <= 0) {
    return { model: 'none', reason: choice.reason, historyHours: values.length, cleanedHours: [], points: [], calibration: { factor80: 1, factor95: 1, holdoutHours: 0 } };
  }
  const cleaned = choice.model === 'mean' ? { values: Float64Array.from(values), replaced: [] } : cleanHistory(values);
  // When asked, MSTL's mean (shape and level half-life) is chosen by a backtest on the history.
  const selection = choice.model === 'mstl' && !options.method && options.selectMethod === true ? selectMethod(choice, values, cleaned.values) : undefined;
  const method = options.method ?? selection?.method ?? DEFAULT_METHOD;
  let raw: RawPoints;
  try {
    raw = fitRaw(choice, cleaned.values, horizon, method);
  } catch (error) {
    // A model that cannot fit this history (flat, degenerate) falls back to a plainer one, said so.
    const fallback = values.length >= 48 ? 'seasonal-naive' : 'mean';
    choice = { model: fallback, periods: fallback === 'mean' ? [] : [24], reason: `${choice.model} could not fit this history (${(error as Error).message}); ${fallback} instead` };
    raw = fitRaw(choice, cleaned.values, horizon, method);
  }
  const seasonal = choice.model === 'mstl' || choice.model === 'ets';
  const uncalibrated = { factor80: 1, factor95: 1, holdoutHours: 0 };
  const calibration =
    options.calibration ?? (options.calibrate === false ? uncalibrated : calibrate(choice, cleaned.values, values, horizon, method));
  const points = raw.mean.map((mean, i): ForecastPoint => {
    const m = Math.max(0, mean);
    const h80 = raw.half80[i]! * calibration.factor80;
    const h95 = Math.max(raw.half95[i]! * calibration.factor95, h80);
    return { mean: m, lo80: Math.max(0, m - h80), hi80: m + h80, lo95: Math.max(0, m - h95), hi95: m + h95 };
  });
  const cleanedNote = cleaned.replaced.length > 0 ? `; ${cleaned.replaced.length} outage or burst hour(s) replaced by their seasonal expectation before fitting` : '';
  const methodNote =
    selection && choice.model === 'mstl'
      ? `; ${describe(selection.method)}, chosen by a backtest on the history (${selection.origins} origins, ${selection.hours} hours: WAPE ${selection.wapePercent.toFixed(1)}% against ${selection.defaultWapePercent.toFixed(1)}% for ${describe(DEFAULT_METHOD)})`
      : '';
  const result: SeriesForecast = { model: choice.model, reason: choice.reason + cleanedNote + methodNote, historyHours: values.length, cleanedHours: cleaned.replaced, points, calibration };
  if (seasonal) result.method = method;
  return result;
}

function describe(method: ForecastMethod): string {
  const shape = method.shape === 'model' ? "the model's shape" : method.shape === 'profile' ? 'the recent seasonal profile' : "the mean of the model's shape and the recent seasonal profile";
  return `${shape} on the recent level (half-life ${method.halfLifeHours} h)`;
}

function trimLeadingZeros(history: ArrayLike<number>): number[] {
  const all = Array.from(history, (value) => (Number.isFinite(value) && value > 0 ? value : 0));
  const first = all.findIndex((value) => value > 0);
  return first < 0 ? [] : all.slice(first);
}

/** The model's means and Gaussian half-widths; augurs gives the 95% band, the 80% one is scaled by z. */
function fitRaw(choice: ModelChoice, y: Float64Array, horizon: number, method: ForecastMethod): RawPoints {
  const ratio = zOf(0.8) / zOf(0.95);
  if (choice.model === 'mstl' || choice.model === 'ets') return fitRawSeasonal(choice, y, horizon, method);
  if (choice.model === 'seasonal-naive') {
    const period = choice.periods[0] ?? 24;
    const residuals: number[] = [];
    for (let t = period; t < y.length; t++) residuals.push(y[t]! - y[t - period]!);
    const sd = standardDeviation(residuals);
    const mean = Array.from({ length: horizon }, (_, i) => y[y.length - period + (i % period)]!);
    // Each further season ahead adds one season's error: the spread grows with its square root.
    const half95 = mean.map((_, i) => zOf(0.95) * sd * Math.sqrt(Math.floor(i / period) + 1));
    return { mean, half95, half80: half95.map((h) => h * ratio) };
  }
  const average = y.reduce((sum, value) => sum + value, 0) / Math.max(1, y.length);
  const sd = standardDeviation(Array.from(y));
  return { mean: new Array<number>(horizon).fill(average), half95: new Array<number>(horizon).fill(zOf(0.95) * sd), half80: new Array<number>(horizon).fill(zOf(0.8) * sd) };
}

/**
 * Conformal scaling on a held-out stretch: the same model fitted without the last `holdout`
 * hours, its errors on them (against the raw hours: outages in the future are real), and the
 * factors that make 80% and 95% of them fall inside. No calibration when the history cannot spare
 * the stretch.
 */
function calibrate(choice: ModelChoice, cleaned: Float64Array, raw: readonly number[], horizon: number, method: ForecastMethod): SeriesForecast['calibration'] {
  const holdout = Math.min(Math.max(24, Math.min(horizon, 168)), Math.floor(cleaned.length / 4));
  const trainLength = cleaned.length - holdout;
  if (holdout < 24 || trainLength < 48) return { factor80: 1, factor95: 1, holdoutHours: 0 };
  // Seasons the shorter history cannot carry are dropped for the calibration fit.
  const periods = choice.periods.filter((period) => trainLength >= 2 * period);
  const model: ModelChoice = choice.model === 'mstl' && periods.length === 0 ? { ...choice, model: 'ets', periods: [24] } : { ...choice, periods: periods.length > 0 ? periods : choice.periods };
  let fitted: RawPoints;
  try {
    fitted = fitRaw(model, cleaned.subarray(0, trainLength), holdout, method);
  } catch {
    return { factor80: 1, factor95: 1, holdoutHours: 0 };
  }
  const errors = fitted.mean.map((mean, i) => raw[trainLength + i]! - Math.max(0, mean));
  return { factor80: conformalFactor(errors, fitted.half80, 0.8), factor95: conformalFactor(errors, fitted.half95, 0.95), holdoutHours: holdout };
}

function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
}
