/** A cached answer: the client-wire JSON body and what the original call cost. */
export interface CachedAnswer {
  body: string;
  wire: 'openai' | 'anthropic';
  servedModel: string | null;
  provider: string | null;
  /** What the call cost when it was made (a hit saves this). */
  costNanoUsd: number;
  inputTokens: number;
  outputTokens: number;
  createdAtMs: number;
}

export interface ExactCacheStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void>;
  /** Removes an entry; true when a live (unexpired) one was there. */
  delete(key: string): Promise<boolean>;
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
      for (const oldest of entries.keys()) {
        if (bytes <= maxBytes) break;
        drop(oldest);
      }
    },
    async delete(key) {
      const live = (entries.get(key)?.expiresAtMs ?? Number.NEGATIVE_INFINITY) > now();
      drop(key);
      return live;
    },
    stats: () => ({ entries: entries.size, bytes }),
    async close() {},
  };
}
