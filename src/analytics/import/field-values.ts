import { usdToNano } from '../../domain/money.ts';
import { RowError } from './import-row.ts';

/** Earliest and latest times an import accepts: anything outside is a unit mix-up or a typo. */
export const MIN_TIME_MS = Date.UTC(2000, 0, 1);
export const MAX_TIME_MS = Date.UTC(2100, 0, 1);

/**
 * A timestamp as exports write it, to epoch ms: epoch seconds or milliseconds (told apart by size),
 * ISO 8601, or `YYYY-MM-DD HH:MM:SS.fffffff` (Azure's trace; extra fraction digits are cut to ms).
 * Text without a zone is UTC. Out of 2000-2100 is an error, not a silently wrong year.
 */
export function parseTime(value: unknown, field: string): number {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value))) {
    const number = Number(value);
    // 1e11 seconds is the year 5138; 1e11 ms is 1973: below it, the number is seconds.
    ms = Math.abs(number) < 1e11 ? number * 1000 : number;
  } else if (typeof value === 'string') {
    const match = /^\s*(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?\s*$/i.exec(value);
    if (!match) throw new RowError(`${field}: not a timestamp: ${preview(value)}`);
    const [, date, time = '00:00:00', fraction = '', zone] = match;
    const iso = `${date}T${time.length === 5 ? `${time}:00` : time}.${fraction.padEnd(3, '0').slice(0, 3)}${!zone || zone.toUpperCase() === 'UTC' ? 'Z' : zone}`;
    ms = Date.parse(iso);
  } else {
    throw new RowError(`${field}: missing timestamp`);
  }
  if (!Number.isFinite(ms)) throw new RowError(`${field}: not a timestamp: ${preview(value)}`);
  ms = Math.floor(ms);
  if (ms < MIN_TIME_MS || ms >= MAX_TIME_MS) throw new RowError(`${field}: ${new Date(ms).toISOString()} is outside 2000-2099`);
  return ms;
}

/** A count (tokens, requests): a non-negative safe integer; blank or null is 0. */
export function parseCount(value: unknown, field: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(number)) throw new RowError(`${field}: not a number: ${preview(value)}`);
  if (number < 0) throw new RowError(`${field}: negative (${number})`);
  if (!Number.isSafeInteger(Math.round(number))) throw new RowError(`${field}: too large (${number})`);
  return Math.round(number);
}

/** A USD amount (number or decimal text) to exact nano-USD; blank is undefined. Negative amounts (credits) are refused. */
export function parseUsd(value: unknown, field: string, scale: 'usd' | 'cents' = 'usd'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'number' && typeof value !== 'string') throw new RowError(`${field}: not an amount: ${preview(value)}`);
  let nano: number;
  try {
    nano = usdToNano(typeof value === 'string' ? value.trim().replace(/^\$/, '') : value);
  } catch {
    throw new RowError(`${field}: not an amount: ${preview(value)}`);
  }
  if (nano < 0) throw new RowError(`${field}: negative amount (${String(value)})`);
  // Cents: exact division by 100 is not always an integer nano amount; round half up (sub-nano).
  return scale === 'cents' ? Math.round(nano / 100) : nano;
}

/** A short text field (ids, model names): trimmed, bounded, null when blank. */
export function parseText(value: unknown, field: string, maxChars = 256): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new RowError(`${field}: expected text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  const text = String(value).trim();
  if (text === '') return null;
  if (text.length > maxChars) throw new RowError(`${field}: longer than ${maxChars} characters`);
  return text;
}

export function parseBoolean(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(true|1|yes)$/i.test(value.trim())) || value === 1;
}

/** A field of a parsed JSON object, own properties only (`__proto__` in a file is data, never the prototype). */
export function field(record: unknown, name: string): unknown {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  return Object.hasOwn(record, name) ? (record as Record<string, unknown>)[name] : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
