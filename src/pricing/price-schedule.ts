import type { ConditionalPrices, ModelPrices, PriceConstraint } from './catalogue.ts';
import { compilePrices, type PricePlan } from './price-plan.ts';

/** A model's compiled prices over time: one plan, or plans that apply by date or time of day. */
export interface PriceSchedule {
  readonly entries: readonly ScheduleEntry[];
}

interface ScheduleEntry {
  readonly plan: PricePlan;
  readonly prices: ModelPrices;
  /** undefined = always applies. */
  readonly applies: ((timeMs: number) => boolean) | undefined;
}

const MS_PER_DAY = 86_400_000;

/** Compiles a model's `prices` field (a price list, or conditional price lists). */
export function compileSchedule(prices: ModelPrices | readonly ConditionalPrices[]): PriceSchedule {
  const list: readonly ConditionalPrices[] = Array.isArray(prices) ? prices : [{ prices: prices as ModelPrices }];
  return {
    entries: list.map((entry) => ({
      plan: compilePrices(entry.prices),
      prices: entry.prices,
      applies: entry.constraint ? compileConstraint(entry.constraint) : undefined,
    })),
  };
}

/**
 * The plan in force at `timeMs`, with genai-prices' rule: scan from the LAST entry back, take the
 * first without a constraint or whose constraint holds; if none holds, the first entry. So
 * `[{prices: old}, {constraint: {start_date: '2025-06-10'}, prices: new}]` is "new from that date".
 */
export function planAt(schedule: PriceSchedule, timeMs: number): PricePlan {
  const { entries } = schedule;
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const entry = entries[index]!;
    if (!entry.applies || entry.applies(timeMs)) return entry.plan;
  }
  return entries[0]!.plan;
}

/** The raw price list in force at `timeMs` (same rule as `planAt`), for merging overrides. */
export function pricesAt(schedule: PriceSchedule, timeMs: number): ModelPrices {
  const { entries } = schedule;
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const entry = entries[index]!;
    if (!entry.applies || entry.applies(timeMs)) return entry.prices;
  }
  return entries[0]!.prices;
}

function compileConstraint(constraint: PriceConstraint): (timeMs: number) => boolean {
  if (constraint.type === 'start_date') {
    // `new Date('2026-03-13')` in genai-prices is UTC midnight of that date.
    const startMs = Date.parse(`${constraint.start_date}T00:00:00Z`);
    return (timeMs) => timeMs >= startMs;
  }
  const startMs = timeOfDayUtcMs(constraint.start_time);
  const endMs = timeOfDayUtcMs(constraint.end_time);
  return (timeMs) => {
    const ms = ((timeMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
    // An end before the start wraps past midnight (DeepSeek's off-peak 16:30-00:30 UTC).
    return endMs < startMs ? ms >= startMs || ms < endMs : ms >= startMs && ms < endMs;
  };
}

/** "16:30:00Z" or "00:30:00+08:00" -> milliseconds after UTC midnight. */
export function timeOfDayUtcMs(text: string): number {
  const match = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!match) throw new RangeError(`invalid time of day: ${text}`);
  const [, hours, minutes, seconds, fraction = '', zone, sign, offsetHours = '00', offsetMinutes = '00'] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) {
    throw new RangeError(`invalid time of day: ${text}`);
  }
  const localMs = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  const offsetMs = zone === 'Z' ? 0 : (sign === '+' ? 1 : -1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return (((localMs - offsetMs) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
}
