/**
 * Calendar arithmetic in a user's time zone with `Intl` only (no tz database of our own), DST-correct:
 * a local day is 23, 24 or 25 hours long and its bucket boundaries come from the zone's real offsets.
 */
export type TimeBucket = 'hour' | 'day' | 'week' | 'month';
export const TIME_BUCKETS: readonly TimeBucket[] = ['hour', 'day', 'week', 'month'];

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Canonical names of zones already checked (a new Intl.DateTimeFormat costs about a millisecond on the gateway's thread). */
const canonical = new Map<string, string>();
const MAX_CHECKED_ZONES = 1_024;

/** The zone's canonical name; a RangeError naming the value when `Intl` does not know it. */
export function checkTimeZone(tz: string): string {
  const known = canonical.get(tz);
  if (known !== undefined) return known;
  let name: string;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`unknown time zone '${tz.slice(0, 64)}': use an IANA name such as Europe/Paris or UTC`);
  }
  // Spellings differ only by case, so the map stays small; bounded anyway.
  if (canonical.size >= MAX_CHECKED_ZONES) canonical.clear();
  canonical.set(tz, name);
  return name;
}

function formatter(tz: string): Intl.DateTimeFormat {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
    });
    formatters.set(tz, format);
  }
  return format;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** Wall-clock fields of an instant in `tz`. */
export function localParts(ms: number, tz: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? 'Mon'] ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in ms (Paris in winter: +3,600,000). */
export function offsetMs(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(ms / 60_000) * 60_000;
}

/**
 * The first instant of the given local date in `tz`: local midnight, or (in a zone whose DST change
 * skips midnight) the first hour that exists. Two rounds of offset correction settle every real zone.
 */
export function zonedMidnight(year: number, month: number, day: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let guess = wall - offsetMs(wall, tz);
  guess = wall - offsetMs(guess, tz);
  let p = localParts(guess, tz);
  while (Date.UTC(p.year, p.month - 1, p.day) < wall) {
    guess += HOUR_MS - p.minute * 60_000;
    p = localParts(guess, tz);
  }
  return guess;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Start (epoch ms) of the local bucket holding `ms`. */
export function bucketStart(ms: number, bucket: TimeBucket, tz: string): number {
  if (bucket === 'hour') {
    // Local hours begin where UTC hours begin, except in zones with a 30/45-minute offset.
    const minute = localParts(ms, tz).minute;
    return ms - (ms % 60_000) - minute * 60_000;
  }
  const p = localParts(ms, tz);
  if (bucket === 'day') return zonedMidnight(p.year, p.month, p.day, tz);
  if (bucket === 'month') return zonedMidnight(p.year, p.month, 1, tz);
  const monday = new Date(Date.UTC(p.year, p.month - 1, p.day - p.weekday));
  return zonedMidnight(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), tz);
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucketStart(start: number, bucket: TimeBucket, tz: string): number {
  if (bucket === 'hour') return start + HOUR_MS;
  const p = localParts(start, tz);
  const next =
    bucket === 'day' ? new Date(Date.UTC(p.year, p.month - 1, p.day + 1))
    : bucket === 'week' ? new Date(Date.UTC(p.year, p.month - 1, p.day + 7))
    : new Date(Date.UTC(p.year, p.month, 1));
  return zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), tz);
}

/**
 * The label of the local bucket holding `ms`: hour '2026-11-02T14:00+01:00' (the offset tells the two
 * 02:00 hours of a DST fall-back apart), day '2026-11-02', week the date of its Monday, month '2026-11'.
 */
export function bucketLabel(ms: number, bucket: TimeBucket, tz: string): string {
  const start = bucketStart(ms, bucket, tz);
  const p = localParts(start, tz);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  if (bucket === 'month') return date.slice(0, 7);
  if (bucket !== 'hour') return date;
  const offset = Math.round(offsetMs(start, tz) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  return `${date}T${pad(p.hour)}:${pad(p.minute)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}
