import type { ClientRequest } from '../pipeline/types.ts';
import { exactCacheKey } from './canonical-key.ts';
import type { CachedAnswer, ExactCacheStore } from './exact-store.ts';
import { cacheMode, reads, writes, type CacheMode } from './policy.ts';
import { semanticView } from './semantic/request-view.ts';
import type { SemanticCache } from './semantic/semantic-cache.ts';

export interface CacheTicket {
  key: string;
  mode: CacheMode;
  /** Present when the semantic cache takes part: where to look and what to compare. */
  semantic?: { namespace: string; text: string; vector?: Float32Array | undefined } | undefined;
}

export interface CacheHit {
  answer: CachedAnswer;
  kind: 'exact' | 'semantic';
  /** Ledger `cacheKey` of the hit: the exact key, or `semantic:<entry id>`. */
  servedKey: string;
  similarity?: number | undefined;
}

const SEMANTIC_PREFIX = 'semantic:';

/**
 * The response cache: decides per request (policy), looks answers up by canonical key in the
 * tenant's namespace (the org, unless the operator shares one), then, on a miss, asks the guarded
 * semantic cache; keeps successful answers in both.
 */
export class ResponseCache {
  hits = 0;
  misses = 0;
  writes = 0;
  evictedByFeedback = 0;
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(
    readonly store: ExactCacheStore,
    private readonly options: { ttlMs: number; sharedNamespace?: string | undefined },
    readonly semantic?: SemanticCache | undefined,
  ) {}

  ticket(request: ClientRequest): CacheTicket | undefined {
    const mode = cacheMode(request.operation, request.body, request.headers);
    const namespace = this.options.sharedNamespace ?? `org:${request.principal.orgId}`;
    const key = exactCacheKey(namespace, request.wire, request.operation, request.body);
    if (mode === 'off') {
      // Not served from the cache, but its key goes to the ledger so `cache analyze` can ask "what if".
      request.analysisKey = key;
      return undefined;
    }
    const view = this.semantic && request.headers['x-tollgate-semantic-cache'] !== 'off' ? semanticView(request.operation, request.body) : undefined;
    return { key, mode, semantic: view && { namespace: `${namespace}|${request.wire}|${request.operation}|${view.contextDigest}`, text: view.text } };
  }

  async lookup(ticket: CacheTicket): Promise<CacheHit | undefined> {
    if (!reads(ticket.mode)) return undefined;
    const answer = await this.store.get(ticket.key).catch(() => undefined);
    if (answer) {
      this.hits += 1;
      return { answer, kind: 'exact', servedKey: ticket.key };
    }
    if (this.semantic && ticket.semantic) {
      const found = await this.semantic.lookup(ticket.semantic.namespace, ticket.semantic.text).catch(() => undefined);
      ticket.semantic.vector = found?.vector;
      if (found?.hit) {
        this.hits += 1;
        return { answer: found.hit.entry.answer, kind: 'semantic', servedKey: `${SEMANTIC_PREFIX}${found.hit.entry.id}`, similarity: found.hit.similarity };
      }
    }
    this.misses += 1;
    return undefined;
  }

  save(ticket: CacheTicket | undefined, answer: CachedAnswer): void {
    if (!ticket || !writes(ticket.mode)) return;
    this.writes += 1;
    void this.store.set(ticket.key, answer, this.options.ttlMs).catch(() => undefined);
    const semantic = ticket.semantic;
    if (this.semantic && semantic) void this.semantic.save(semantic.namespace, semantic.text, answer, semantic.vector).catch(() => undefined);
  }

  /** Something to release with the cache (a Redis subscription). */
  onClose(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    await this.store.close();
    for (const closer of this.closers) await closer().catch(() => undefined);
  }

  /** Feedback said the answer served under `servedKey` was wrong: evict it (and, if semantic, distrust its neighbourhood). */
  async markWrong(servedKey: string): Promise<boolean> {
    const evicted = servedKey.startsWith(SEMANTIC_PREFIX)
      ? (this.semantic?.markWrong(servedKey.slice(SEMANTIC_PREFIX.length)) ?? false)
      : await this.store.delete(servedKey).catch(() => false);
    if (evicted) this.evictedByFeedback += 1;
    return evicted;
  }
}
