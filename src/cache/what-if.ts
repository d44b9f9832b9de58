import type { LedgerRecord } from '../ledger/record.ts';
import type { CachedAnswer } from './exact-store.ts';
import type { Embedder } from '../language/embedder.ts';
import { clientSemanticView } from './semantic/request-view.ts';
import { SemanticCache } from './semantic/semantic-cache.ts';

export interface WhatIfScenario {
  kind: 'exact' | 'semantic';
  ttlMs: number;
  /** Semantic threshold (absent for exact). */
  threshold?: number;
  hits: number;
  hitRate: number;
  savedNanoUsd: number;
  /** Share of the analysed spend saved. */
  savedShare: number;
}

export interface WhatIfReport {
  requests: number;
  /** Successful chat/completion/messages rows replayed. */
  analysed: number;
  /** Of those, rows with a prompt (semantic what-if needs `ledger.storeBodies`). */
  withPrompt: number;
  spendNanoUsd: number;
  scenarios: WhatIfScenario[];
}

type Row = Pick<LedgerRecord, 'timeMs' | 'orgId' | 'requestedModel' | 'operation' | 'status' | 'cacheKey' | 'prompt' | 'costNanoUsd' | 'savedNanoUsd'> &
  Partial<Pick<LedgerRecord, 'requestBody' | 'wire'>>;

const STUB: CachedAnswer = { body: '', wire: 'openai', servedModel: null, provider: null, costNanoUsd: 0, inputTokens: 0, outputTokens: 0, createdAtMs: 0 };

/**
 * What a response cache would have saved on the ledger's history: the rows are replayed in time
 * order against an exact cache (by the recorded canonical key) and, for each threshold, the guarded
 * semantic cache behind it (namespaced as live when the body was stored, else per org and requested
 * model), with every TTL. A hit
 * saves what the call cost (or saved, if it already was a hit). Pure apart from the clock it drives.
 */
export async function analyseCacheHistory(rows: readonly Row[], options: { ttlsMs: number[]; thresholds: number[]; embedder: Embedder }): Promise<WhatIfReport> {
  const replay = rows.filter((row) => row.status === 200 && row.operation !== 'embedding' && row.operation !== 'models').sort((a, b) => a.timeMs - b.timeMs);
  const value = (row: Row) => row.costNanoUsd + row.savedNanoUsd;
  const spend = replay.reduce((sum, row) => sum + value(row), 0);
  const scenarios: WhatIfScenario[] = [];
  const vectors = new Map<string, Float32Array>();
  const embed = async (text: string) => {
    let vector = vectors.get(text);
    if (!vector) vectors.set(text, (vector = await options.embedder.embed(text)));
    return vector;
  };
  for (const ttlMs of options.ttlsMs) {
    for (const threshold of [undefined, ...options.thresholds]) {
      let now = 0;
      const exact = new Map<string, number>();
      const semantic = threshold === undefined ? undefined : new SemanticCache(options.embedder, undefined, { threshold, ttlMs, maxEntries: 1_000_000, now: () => now });
      let hits = 0;
      let saved = 0;
      for (const row of replay) {
        now = row.timeMs;
        const filled = row.cacheKey ? exact.get(row.cacheKey) : undefined;
        let hit = filled !== undefined && now - filled < ttlMs;
        if (!hit && semantic && row.prompt) {
          const namespace = namespaceOf(row);
          const vector = await embed(row.prompt);
          hit = (await semantic.lookup(namespace, row.prompt, vector)).hit !== undefined;
          if (!hit) await semantic.save(namespace, row.prompt, STUB, vector);
        }
        if (hit) {
          hits += 1;
          saved += value(row);
        } else if (row.cacheKey) exact.set(row.cacheKey, now);
      }
      scenarios.push({
        kind: threshold === undefined ? 'exact' : 'semantic',
        ttlMs,
        ...(threshold === undefined ? {} : { threshold }),
        hits,
        hitRate: replay.length ? Math.round((hits / replay.length) * 10_000) / 10_000 : 0,
        savedNanoUsd: saved,
        savedShare: spend ? Math.round((saved / spend) * 10_000) / 10_000 : 0,
      });
    }
  }
  return { requests: rows.length, analysed: replay.length, withPrompt: replay.filter((row) => row.prompt).length, spendNanoUsd: spend, scenarios };
}

/** As the live cache scopes it (org and the neutral context digest, or wire and operation too for legacy completions) when the body was stored; else org and requested model. */
function namespaceOf(row: Row): string {
  if (row.requestBody) {
    try {
      const view = clientSemanticView(row.wire ?? 'openai', row.operation, JSON.parse(row.requestBody) as Record<string, unknown>);
      if (view) return `${row.orgId}|${view.contextDigest}`;
    } catch {
      // an unreadable stored body: fall back to org and model
    }
  }
  return `${row.orgId}|${row.requestedModel}`;
}
