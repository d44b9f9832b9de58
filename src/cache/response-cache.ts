import type { ClientRequest } from '../pipeline/types.ts';
import { exactCacheKey } from './canonical-key.ts';
import type { CachedAnswer, ExactCacheStore } from './exact-store.ts';
import { cacheMode, reads, writes, type CacheMode } from './policy.ts';

export interface CacheTicket {
  key: string;
  mode: CacheMode;
}

/**
 * The exact response cache: decides per request (policy), looks answers up by canonical key in the
 * tenant's namespace (the org, unless the operator shares one), and keeps successful answers.
 */
export class ResponseCache {
  hits = 0;
  misses = 0;
  writes = 0;

  constructor(
    readonly store: ExactCacheStore,
    private readonly options: { ttlMs: number; sharedNamespace?: string | undefined },
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
    return { key, mode };
  }

  async lookup(ticket: CacheTicket): Promise<CachedAnswer | undefined> {
    if (!reads(ticket.mode)) return undefined;
    const answer = await this.store.get(ticket.key).catch(() => undefined);
    if (answer) this.hits += 1;
    else this.misses += 1;
    return answer;
  }

  save(ticket: CacheTicket | undefined, answer: CachedAnswer): void {
    if (!ticket || !writes(ticket.mode)) return;
    this.writes += 1;
    void this.store.set(ticket.key, answer, this.options.ttlMs).catch(() => undefined);
  }
}
