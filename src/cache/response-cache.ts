import type { ClientRequest } from '../domain/request.ts';
import { keyOf, neutralMaterial } from './canonical-key.ts';
import { CACHED_ANSWER_VERSION, isCurrentAnswer, type CachePurgeFilter, type CachedAnswer, type ExactCacheStore } from './exact-store.ts';
import { cacheMode, reads, writes, type CacheMode } from './policy.ts';
import { semanticViewOf } from './semantic/request-view.ts';
import type { SemanticCache, SemanticLookup } from './semantic/semantic-cache.ts';

export interface CacheTicket {
  key: string;
  mode: CacheMode;
  /** The cache namespace: `org:<org id>`, or `cache.sharedNamespace`. */
  namespace: string;
  /** The model the client asked for (purges by model). */
  model: string | undefined;
  /** Present when the semantic cache takes part: where to look and what to compare. */
  semantic?: { namespace: string; text: string; vector?: Float32Array | undefined; keys?: string[] | undefined } | undefined;
}

export interface CacheHit {
  answer: CachedAnswer;
  kind: 'exact' | 'semantic';
  /** Ledger `cacheKey` of the hit: the exact key, or `semantic:<entry id>`. */
  servedKey: string;
  similarity?: number | undefined;
}

const SEMANTIC_PREFIX = 'semantic:';

/** A failed store write or semantic save is not the client's: the answer is just not kept. */
const ignore = (): undefined => undefined;

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
  private readonly orgNamespaces = new Map<string, string>();

  constructor(
    readonly store: ExactCacheStore,
    private readonly options: { ttlMs: number; sharedNamespace?: string | undefined },
    readonly semantic?: SemanticCache | undefined,
  ) {}

  ticket(request: ClientRequest): CacheTicket | undefined {
    const mode = cacheMode(request.operation, request.body, request.headers);
    const namespace = this.namespaceOf(request.principal.orgId);
    // The neutral view and its canonical form are read once, for the exact key and the semantic digest both.
    const material = neutralMaterial(request.wire, request.operation, request.body);
    const key = keyOf(namespace, request.wire, request.operation, request.body, material);
    if (mode === 'off') {
      // Not served from the cache, but its key goes to the ledger so `cache analyze` can ask "what if".
      request.analysisKey = key;
      return undefined;
    }
    const view = this.semantic && request.headers['x-tollgate-semantic-cache'] !== 'off' ? semanticViewOf(request.wire, request.operation, request.body, material) : undefined;
    const model = typeof request.body.model === 'string' ? request.body.model : undefined;
    return { key, mode, namespace, model, semantic: view && { namespace: `${namespace}|${view.contextDigest}`, text: view.text } };
  }

  async lookup(ticket: CacheTicket): Promise<CacheHit | undefined> {
    if (!reads(ticket.mode)) return undefined;
    let answer: CachedAnswer | undefined;
    try {
      answer = await this.store.get(ticket.key);
    } catch {
      answer = undefined;
    }
    // An older release's entry under this key is a miss (the fresh answer overwrites it).
    if (isCurrentAnswer(answer)) {
      this.hits += 1;
      return { answer, kind: 'exact', servedKey: ticket.key };
    }
    if (this.semantic && ticket.semantic) {
      let found: SemanticLookup | undefined;
      try {
        found = await this.semantic.lookup(ticket.semantic.namespace, ticket.semantic.text);
      } catch {
        found = undefined;
      }
      ticket.semantic.vector = found?.vector;
      ticket.semantic.keys = found?.keys;
      if (found?.hit && isCurrentAnswer(found.hit.entry.answer)) {
        this.hits += 1;
        return { answer: found.hit.entry.answer, kind: 'semantic', servedKey: `${SEMANTIC_PREFIX}${found.hit.entry.id}`, similarity: found.hit.similarity };
      }
    }
    this.misses += 1;
    return undefined;
  }

  /** Whether an answer to this request would be kept (a stream is captured only then). */
  willSave(ticket: CacheTicket | undefined): boolean {
    return ticket !== undefined && writes(ticket.mode);
  }

  save(ticket: CacheTicket | undefined, answer: CachedAnswer): void {
    if (!ticket || !writes(ticket.mode)) return;
    this.writes += 1;
    // Where it lives goes with it: feedback then finds every copy, and purges find a namespace's or a model's entries.
    // Written field by field, in the order a spread of a fresh answer gave (the stored JSON is unchanged): one fixed shape, no copying loop.
    answer = {
      body: answer.body,
      wire: answer.wire,
      servedModel: answer.servedModel,
      provider: answer.provider,
      costNanoUsd: answer.costNanoUsd,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      createdAtMs: answer.createdAtMs,
      v: CACHED_ANSWER_VERSION,
      key: ticket.key,
      namespace: ticket.namespace,
      model: ticket.model,
    };
    void this.store.set(ticket.key, answer, this.options.ttlMs).catch(ignore);
    const semantic = ticket.semantic;
    if (!this.semantic || !semantic) return;
    // The lookup's embedding at hand (the usual miss): kept at once, nothing to wait for; else embedded first.
    if (semantic.vector === undefined) void this.semantic.save(semantic.namespace, semantic.text, answer, undefined, semantic.keys).catch(ignore);
    else {
      try {
        this.semantic.keep(semantic.namespace, semantic.text, answer, semantic.vector, semantic.keys);
      } catch {
        // As a failed save: not kept.
      }
    }
  }

  /** Something to release with the cache (a Redis subscription). */
  onClose(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    await this.store.close();
    for (const closer of this.closers) await closer().catch(() => undefined);
  }

  /** The cache namespace of an org's requests: `org:<org id>`, or the operator's shared namespace. */
  namespaceOf(orgId: string): string {
    return this.options.sharedNamespace ?? this.orgNamespace(orgId);
  }

  /** `org:<org id>`: one string per org (every stored answer names its namespace), not a new one per request. */
  private orgNamespace(orgId: string): string {
    let namespace = this.orgNamespaces.get(orgId);
    if (namespace === undefined) {
      if (this.orgNamespaces.size >= 10_000) this.orgNamespaces.clear();
      this.orgNamespaces.set(orgId, (namespace = `org:${orgId}`));
    }
    return namespace;
  }

  /**
   * The namespace an admin names: an org id (`acme`, or `org:acme`), or the configured shared
   * namespace. Undefined for undefined (every namespace).
   */
  resolveNamespace(name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    if (name === this.options.sharedNamespace || name.startsWith('org:')) return name;
    return `org:${name}`;
  }

  /** Purges the exact cache (every instance's, with Redis) and returns how many entries went. */
  async purgeExact(filter: CachePurgeFilter): Promise<number> {
    return this.store.purge(filter);
  }

  /**
   * Feedback said the answer recorded under `cacheKey` (the exact key it was stored or served under,
   * or `semantic:<entry id>`) was wrong: evicts every copy of it, the exact entry and each semantic
   * entry holding the same answer, and distrusts the semantic neighbourhood. `namespace` is the
   * request's cache namespace (copies elsewhere are not touched). Returns how many entries went.
   */
  async markWrong(cacheKey: string, namespace: string): Promise<number> {
    let exactKey: string | undefined;
    let body: string | undefined;
    let evicted = 0;
    if (cacheKey.startsWith(SEMANTIC_PREFIX)) {
      const entry = this.semantic?.entry(cacheKey.slice(SEMANTIC_PREFIX.length));
      exactKey = entry?.answer.key;
      body = entry?.answer.body;
      if (this.semantic?.markWrong(cacheKey.slice(SEMANTIC_PREFIX.length))) evicted += 1;
    } else {
      exactKey = cacheKey;
      body = (await this.store.get(cacheKey).catch(() => undefined))?.body;
    }
    if (exactKey && (await this.store.delete(exactKey).catch(() => false))) evicted += 1;
    if (this.semantic && (exactKey || body)) {
      const inNamespace = (entryNamespace: string) => entryNamespace.startsWith(`${namespace}|`);
      evicted += this.semantic.markWrongWhere(
        (entry) => inNamespace(entry.namespace) && ((exactKey !== undefined && entry.answer.key === exactKey) || (body !== undefined && entry.answer.body === body)),
      );
    }
    if (evicted > 0) this.evictedByFeedback += 1;
    return evicted;
  }
}
