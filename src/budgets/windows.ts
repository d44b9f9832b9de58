import type { BudgetConfig } from '../config/schema.ts';

const HOUR_MS = 3_600_000;

/** The period a budget counts over at a moment: [startMs, endMs), and the counter buckets covering it. */
export interface BudgetWindow {
  startMs: number;
  endMs: number;
  /** Counter buckets: one per calendar period; hourly buckets for rolling windows (hour-granular). */
  buckets: string[];
  /** The bucket a spend at `nowMs` is added to. */
  currentBucket: string;
}

/**
 * Calendar periods start at local midnight in the budget's time zone (weeks on Monday, months on
 * the 1st), DST included; rolling windows are the last `rollingHours` whole hours plus the
 * current one. Pure: time is a parameter.
 */
export function budgetWindow(budget: WindowedBudget, nowMs: number): BudgetWindow {
  // Memoised per budget object while `nowMs` stays in the same window (rolling: the same hour): the
  // time-zone arithmetic costs far more than the rest of a budget check. The memo is checked against
  // the fields the window depends on, so a budget changed in place (a reset) is never served a stale
  // one; a definition replaced by the admin API or a sync is a new object, with an empty memo.
  const held = byBudget.get(budget);
  if (held && nowMs >= held.validFromMs && nowMs < held.validToMs && sameWindowFields(held, budget)) return held.window;
  const found = byFields(budget, nowMs);
  byBudget.set(budget, found);
  return found.window;
}

interface Memo {
  window: BudgetWindow;
  validFromMs: number;
  validToMs: number;
  id: string;
  resetAtMs: number | undefined;
  period: WindowedBudget['period'];
  rollingHours: number | undefined;
  timezone: string;
}

/** Per budget object: the window last computed for it (the request path asks for the same budgets every time). */
const byBudget = new WeakMap<object, Memo>();
/** Per window definition: for budgets passed as fresh objects each time (the local-share guard, rebuilds). */
const memo = new Map<string, Memo>();

function sameWindowFields(held: Memo, budget: WindowedBudget): boolean {
  return held.id === budget.id && held.resetAtMs === budget.resetAtMs && held.period === budget.period && held.rollingHours === budget.rollingHours && held.timezone === budget.timezone;
}

function byFields(budget: WindowedBudget, nowMs: number): Memo {
  const key = `${counterKey(budget)}|${budget.period}|${budget.rollingHours ?? ''}|${budget.timezone}`;
  const cached = memo.get(key);
  if (cached && nowMs >= cached.validFromMs && nowMs < cached.validToMs && sameWindowFields(cached, budget)) return cached;
  const window = computeWindow(budget, nowMs);
  const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const [validFromMs, validToMs] = budget.period === 'rolling' ? [hour, hour + HOUR_MS] : [window.startMs, window.endMs];
  const fields = { id: budget.id, resetAtMs: budget.resetAtMs, period: budget.period, rollingHours: budget.rollingHours, timezone: budget.timezone };
  const entry: Memo = { window, validFromMs, validToMs, ...fields };
  memo.set(key, entry);
  if (memo.size > 10_000) memo.clear();
  return entry;
}

/** What a window needs of a budget; `resetAtMs` is set when its spend was reset at run time. */
export type WindowedBudget = Pick<BudgetConfig, 'id' | 'period' | 'rollingHours' | 'timezone'> & { resetAtMs?: number | undefined };

/**
 * The prefix of a budget's counter buckets. A reset starts new buckets (`<id>~r<resetAtMs>`), so
 * every instance and every counter store (memory, Redis) starts the period again from zero, and a
 * rebuild counts only the ledger rows after the reset.
 */
export function counterKey(budget: WindowedBudget): string {
  return budget.resetAtMs ? `${budget.id}~r${budget.resetAtMs}` : budget.id;
}

function computeWindow(budget: WindowedBudget, nowMs: number): BudgetWindow {
  const prefix = counterKey(budget);
  if (budget.period === 'rolling') {
    const hours = budget.rollingHours ?? 24;
    const currentHour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
    const startMs = currentHour - (hours - 1) * HOUR_MS;
    const buckets: string[] = [];
    for (let hour = startMs; hour <= currentHour; hour += HOUR_MS) buckets.push(`${prefix}:h${hour}`);
    return { startMs, endMs: currentHour + HOUR_MS, buckets, currentBucket: buckets.at(-1)! };
  }
  const local = localParts(nowMs, budget.timezone);
  let startLocal: { year: number; month: number; day: number };
  let endLocal: { year: number; month: number; day: number };
  if (budget.period === 'daily') {
    startLocal = local;
    endLocal = addDays(local, 1);
  } else if (budget.period === 'weekly') {
    const weekday = (new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay() + 6) % 7; // Monday = 0
    startLocal = addDays(local, -weekday);
    endLocal = addDays(startLocal, 7);
  } else {
    startLocal = { year: local.year, month: local.month, day: 1 };
    endLocal = local.month === 12 ? { year: local.year + 1, month: 1, day: 1 } : { year: local.year, month: local.month + 1, day: 1 };
  }
  const startMs = localMidnightToUtc(startLocal, budget.timezone);
  const endMs = localMidnightToUtc(endLocal, budget.timezone);
  const bucket = `${prefix}:p${startMs}`;
  return { startMs, endMs, buckets: [bucket], currentBucket: bucket };
}

/** The bucket a spend at `timeMs` belongs to (for settling and rebuilding). */
export function bucketAt(budget: WindowedBudget, timeMs: number): string {
  return budgetWindow(budget, timeMs).currentBucket;
}

/** [startMs, endMs) of a bucket, for rebuilding it from the ledger (from the reset on, after one). */
export function bucketRange(bucket: string, budget: WindowedBudget): { startMs: number; endMs: number } {
  const suffix = bucket.slice(counterKey(budget).length + 1);
  const start = Number(suffix.slice(1));
  const range = suffix.startsWith('h') ? { startMs: start, endMs: start + HOUR_MS } : { startMs: start, endMs: budgetWindow(budget, start).endMs };
  return { startMs: Math.max(range.startMs, budget.resetAtMs ?? 0), endMs: Math.max(range.endMs, budget.resetAtMs ?? 0) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, format);
  }
  return format;
}

function localParts(timeMs: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(timeMs))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

function addDays(date: { year: number; month: number; day: number }, days: number) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The UTC instant of 00:00 local time on a date in a zone (two passes settle DST offsets). */
function localMidnightToUtc(date: { year: number; month: number; day: number }, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  let guess = wall;
  for (let pass = 0; pass < 2; pass += 1) {
    const local = localParts(guess, timeZone);
    const localAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
    guess = wall - (localAsUtc - guess);
  }
  return guess;
}

/** Seconds a counter bucket must outlive its window (Redis expiry). */
export function ttlSeconds(window: BudgetWindow, nowMs: number): number {
  return Math.max(60, Math.ceil((window.endMs - nowMs) / 1000) + 86_400);
}
