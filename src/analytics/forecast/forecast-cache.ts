/**
 * Forecast answers kept per request key and refreshed at most once per closed hour. A forecast reads
 * complete hours only (the history ends with the last closed hour), so its answer changes only when
 * an hour closes: until then every caller gets the kept answer. When an hour has closed, the kept
 * answer is still served at once (stale while revalidating) and one refit runs in the background;
 * callers never queue behind it. One fit per key is in flight at a time, whatever the number of callers.
 *
 * The key must name everything the answer depends on, the caller's org included (an org admin's
 * forecast reads its org's rows only, so keys of different orgs never meet). Bounded: the least
 * recently used key is dropped past `maxEntries`. A failed fit is not kept (the next call fits again;
 * a stale answer stays in place), nor an answer `keep` refuses.
 */
export interface ForecastCache<T> {
  /**
   * The answer for `key` as of `closedHourMs` (the start of the current hour), fitting with `fit` when needed. With
   * `fresh`, a new fit's answer (joining one already in flight for this hour), kept for the next callers.
   */
  get(key: string, closedHourMs: number, fit: () => Promise<T>, options?: { fresh?: boolean }): Promise<T>;
  /** Kept keys (for tests and metrics). */
  readonly size: number;
  /** Fits started so far. */
  readonly fits: number;
}

interface Entry<T> {
  /** The hour the kept answer was fitted for, and the answer (absent until the first fit lands). */
  hourMs: number;
  value?: T;
  /** The fit in flight, and the hour it is for. */
  pending?: { hourMs: number; promise: Promise<T> };
}

export function createForecastCache<T>(options: { maxEntries?: number; keep?: (value: T) => boolean } = {}): ForecastCache<T> {
  const maxEntries = options.maxEntries ?? 200;
  const keep = options.keep ?? (() => true);
  const entries = new Map<string, Entry<T>>();
  let fits = 0;

  const touch = (key: string, entry: Entry<T>) => {
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };

  const start = (key: string, entry: Entry<T>, hourMs: number, fit: () => Promise<T>): Promise<T> => {
    fits += 1;
    // Called now (a throw becomes a rejection), so the entry holds its fit before anyone else asks.
    const promise = new Promise<T>((resolve) => resolve(fit()))
      .then(
        (value) => {
          // An answer not worth keeping (too little history: the next call may find more) is handed out, not kept.
          if (!keep(value)) {
            if (entry.value === undefined && entries.get(key) === entry) entries.delete(key);
            return value;
          }
          // A later fit (for a later hour) may have landed first: keep the newest.
          if (hourMs >= entry.hourMs || entry.value === undefined) {
            entry.value = value;
            entry.hourMs = hourMs;
          }
          return value;
        },
        (error: unknown) => {
          if (entry.value === undefined && entries.get(key) === entry) entries.delete(key);
          throw error;
        },
      )
      .finally(() => {
        if (entry.pending?.promise === promise) entry.pending = undefined;
      });
    entry.pending = { hourMs, promise };
    return promise;
  };

  return {
    get(key, closedHourMs, fit, options = {}) {
      let entry = entries.get(key);
      if (entry && options.fresh) {
        touch(key, entry);
        return entry.pending && entry.pending.hourMs >= closedHourMs ? entry.pending.promise : start(key, entry, closedHourMs, fit);
      }
      if (!entry) {
        entry = { hourMs: closedHourMs };
        touch(key, entry);
        return start(key, entry, closedHourMs, fit);
      }
      touch(key, entry);
      if (entry.value !== undefined && entry.hourMs >= closedHourMs) return Promise.resolve(entry.value);
      const inFlight = entry.pending && entry.pending.hourMs >= closedHourMs ? entry.pending.promise : undefined;
      if (entry.value === undefined) return inFlight ?? start(key, entry, closedHourMs, fit);
      // An hour closed since the kept answer: serve it now and refit once in the background.
      if (!inFlight) start(key, entry, closedHourMs, fit).catch(() => {});
      return Promise.resolve(entry.value);
    },
    get size() {
      return entries.size;
    },
    get fits() {
      return fits;
    },
  };
}
