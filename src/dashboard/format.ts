import { NANO_PER_USD, usdToNano } from '../domain/money.ts';

/** Display only: nano-dollars as `$1,234.56`, small amounts with enough digits to be non-zero (`$0.00042`). */
export function usd(nano: number): string {
  const dollars = nano / NANO_PER_USD;
  const abs = Math.abs(dollars);
  if (abs === 0) return '$0.00';
  if (abs >= 1) return `${dollars < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  // Two significant digits below a dollar: $0.00014, not $0.00.
  const digits = Math.min(9, Math.max(2, Math.ceil(-Math.log10(abs)) + 1));
  return `${dollars < 0 ? '-' : ''}$${abs.toFixed(digits)}`;
}

/** A USD string from the API (`"0.0001417"`) to exact nano-dollars (0 for a missing or malformed value). */
export function usdStringToNano(value: string | null | undefined): number {
  if (!value) return 0;
  try {
    return usdToNano(value);
  } catch {
    return 0;
  }
}

export function count(value: number): string {
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(value >= 1e7 ? 0 : 1)}M`;
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(value >= 1e5 ? 0 : 1)}k`;
  return value.toLocaleString('en-US');
}

export function percent(value: number, digits = 1): string {
  return `${value.toFixed(digits)}%`;
}

export function dateTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

/** `12-01 19:39:55` (UTC): compact enough for a table column. */
export function shortTime(ms: number): string {
  return new Date(ms).toISOString().slice(5, 19).replace('T', ' ');
}

export function duration(ms: number | null): string {
  if (ms === null) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** A relative range (`24h`, `7d`) or `month` (since the first of this month, UTC) to epoch ms bounds. */
export function rangeBounds(range: string, nowMs: number): { fromMs: number; toMs: number } {
  if (range === 'month') {
    const now = new Date(nowMs);
    return { fromMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1), toMs: nowMs };
  }
  const match = /^(\d+)([hd])$/.exec(range);
  const hours = match ? Number(match[1]) * (match[2] === 'd' ? 24 : 1) : 24 * 7;
  return { fromMs: nowMs - hours * 3_600_000, toMs: nowMs };
}

export function csv(rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (value: string | number | null) => {
    const text = value === null ? '' : String(value);
    // A leading = + - @ would be a formula in a spreadsheet: quote it as text.
    const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
    return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return rows.map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

/**
 * Every bucket key between two instants, as the report API spells them (`2026-11-23` for days,
 * `2026-11-23T10:00Z` for hours, UTC), so buckets without usage are drawn as zero rather than skipped.
 */
export function bucketKeys(fromMs: number, toMs: number, bucket: 'hour' | 'day'): { key: string; ms: number }[] {
  const step = bucket === 'hour' ? 3_600_000 : 86_400_000;
  const out: { key: string; ms: number }[] = [];
  for (let ms = Math.floor(fromMs / step) * step; ms <= toMs && out.length < 10_000; ms += step) {
    const iso = new Date(ms).toISOString();
    out.push({ key: bucket === 'hour' ? `${iso.slice(0, 13)}:00Z` : iso.slice(0, 10), ms });
  }
  return out;
}

/** The browser's calendar day of an instant, `YYYY-MM-DD` (the overview's "today" and month are the user's, not UTC's). */
/** The browser's local midnight starting the day that holds `ms`. */
export function localDayStart(ms: number): number {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

export function localDayKey(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** Start of the browser's current day and month, the next month's start, and the month's days (local midnights). */
export function localCalendar(nowMs: number): { dayStartMs: number; monthStartMs: number; monthEndMs: number; days: { key: string; ms: number }[] } {
  const now = new Date(nowMs);
  const dayStartMs = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const monthStartMs = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
  const monthEndMs = new Date(now.getFullYear(), now.getMonth() + 1, 1).getTime();
  const days: { key: string; ms: number }[] = [];
  for (let day = 1; days.length < 31; day += 1) {
    const ms = new Date(now.getFullYear(), now.getMonth(), day).getTime();
    if (ms >= monthEndMs) break;
    days.push({ key: localDayKey(ms), ms });
  }
  return { dayStartMs, monthStartMs, monthEndMs, days };
}

/** The browser's time zone name (IANA), for labels. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}
