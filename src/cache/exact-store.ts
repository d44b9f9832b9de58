/**
 * The stored format's version. Entries written by an older release (no `v`: a client-wire JSON
 * body, keyed per wire) may still sit in Redis or the semantic store: a lookup treats them as a miss.
 */
export const CACHED_ANSWER_VERSION = 2;

/**
 * A cached answer and what the original call cost. `wire: 'neutral'`: `body` is a `NeutralAnswer`
 * (JSON), rendered to whichever wire asks; otherwise `body` is that wire's JSON answer, served to
 * that wire only (embeddings, legacy completions, answers holding what the neutral form cannot).
 */
export interface CachedAnswer {
  v?: number | undefined;
  body: string;
  wire: 'neutral' | 'openai' | 'anthropic';
  servedModel: string | null;
  provider: string | null;
  /** What the call cost when it was made (a hit saves this). */
  costNanoUsd: number;
  inputTokens: number;
  outputTokens: number;
  createdAtMs: number;
  /** Where it was stored (set by the response cache; absent on entries written by older versions). */
  key?: string | undefined;
  /** The cache namespace it belongs to: `org:<org id>`, or `cache.sharedNamespace`. */
  namespace?: string | undefined;
  /** The model the client asked for. */
  model?: string | undefined;
}

/** Whether an entry is in this release's format (older ones are misses, never parsed as current). */
export function isCurrentAnswer(answer: CachedAnswer | undefined): answer is CachedAnswer {
  return answer !== undefined && answer !== null && typeof answer === 'object' && answer.v === CACHED_ANSWER_VERSION && typeof answer.body === 'string';
}

/** Which entries a purge removes: all, or those of one namespace and/or one requested model. */
export interface CachePurgeFilter {
  namespace?: string | undefined;
  model?: string | undefined;
}

/** Whether an answer matches a purge filter (entries without metadata match only the empty filter). */
export function matchesPurge(answer: CachedAnswer, filter: CachePurgeFilter): boolean {
  if (filter.namespace !== undefined && answer.namespace !== filter.namespace) return false;
  if (filter.model !== undefined && answer.model !== filter.model) return false;
  return true;
}

export interface ExactCacheStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void>;
  /** Removes an entry; true when a live (unexpired) one was there. */
  delete(key: string): Promise<boolean>;
  /** Removes every entry matching the filter; returns how many. */
  purge(filter: CachePurgeFilter): Promise<number>;
  stats(): { entries: number; bytes: number };
  close(): Promise<void>;
}

/** In-process LRU bounded by bytes (body length), with per-entry TTL. */
export function createMemoryExactStore(maxBytes: number, now: () => number = Date.now): ExactCacheStore {
  const entries = new Map<string, { answer: CachedAnswer; expiresAtMs: number; bytes: number }>();
  let bytes = 0;
  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    bytes -= entry.bytes;
    entries.delete(key);
  };
  return {
    kind: 'memory',
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAtMs <= now()) {
        drop(key);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      return entry.answer;
    },
    async set(key, answer, ttlMs) {
      const size = answer.body.length * 2 + 256;
      if (size > maxBytes) return;
      drop(key);
      entries.set(key, { answer, expiresAtMs: now() + ttlMs, bytes: size });
      bytes += size;
      // Oldest first, and only when over the bound (no iterator per write below it).
      if (bytes > maxBytes) {
        for (const oldest of entries.keys()) {
          if (bytes <= maxBytes) break;
          drop(oldest);
        }
      }
    },
    async delete(key) {
      const live = (entries.get(key)?.expiresAtMs ?? Number.NEGATIVE_INFINITY) > now();
      drop(key);
      return live;
    },
    async purge(filter) {
      let purged = 0;
      for (const [key, entry] of [...entries]) {
        if (!matchesPurge(entry.answer, filter)) continue;
        drop(key);
        if (entry.expiresAtMs > now()) purged += 1;
      }
      return purged;
    },
    stats: () => ({ entries: entries.size, bytes }),
    async close() {},
  };
}
