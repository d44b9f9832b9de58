import { randomUUID } from 'node:crypto';
import { matchesPurge, type CachePurgeFilter, type CachedAnswer } from '../exact-store.ts';
import { cosine, type Embedder } from '../../language/embedder.ts';
import type { SemanticEntry, SemanticEntryStore } from './entry-store.ts';
import { matchDecision, type MatchOptions } from './verifier.ts';
import { contentKeys, contentKeysOf, NeighbourIndex } from './neighbour-index.ts';
import { tokenize } from '../../language/text.ts';
import { VectorArena } from './vector-arena.ts';
import { VectorSlab } from './vector-slab.ts';

export interface SemanticCacheOptions {
  /** Cosine similarity a neighbour needs before the guard looks at it (default 0.9, tuned on QQP's training part). */
  threshold: number;
  ttlMs: number;
  /** Entries kept in process across all namespaces; the oldest go first. */
  maxEntries: number;
  now: () => number;
  /** The decision on each neighbour: the rule-based guard (default) or, with `verifier`, the learned pair verifier. */
  guard?: MatchOptions;
  /** A query this close to an answer marked wrong needs `distrustPenalty` more similarity. */
  distrustRadius?: number;
  distrustPenalty?: number;
}

export interface SemanticHit {
  entry: SemanticEntry;
  similarity: number;
}

/** A change other instances must apply: an entry added, or entries dropped (with the wrong answer's vector to distrust). */
export type SemanticChange = { op: 'add'; entry: SemanticEntry } | { op: 'delete'; namespace?: string | undefined; ids: string[]; distrust?: Float32Array | undefined };

export interface SemanticLookup {
  hit: SemanticHit | undefined;
  /** The query's embedding, reused when the answer is saved after a miss (a view into shared memory: kept by copying). */
  vector: Float32Array;
  /** The query's content keys (`contentKeys`), reused with the vector when the answer is saved. */
  keys: string[];
  /** Why the best neighbour was refused, when one was. */
  rejected?: string | undefined;
}

/**
 * The guarded semantic cache: neighbours above a similarity threshold within one namespace (tenant
 * plus a digest of model, system prompt, earlier turns and parameters), then the lexical guard.
 * Entries persist in the store and are re-embedded at load when the embedder changed. Feedback that
 * a served answer was wrong evicts it and raises the bar around it.
 */
export class SemanticCache {
  hits = 0;
  misses = 0;
  guardRejections = 0;
  markedWrong = 0;
  writes = 0;
  /** Store writes skipped (database slow or failing); those entries serve from memory only. */
  skippedWrites = 0;
  private pendingWrites = 0;
  private readonly indexes = new Map<string, NeighbourIndex>();
  private readonly entries = new Map<string, SemanticEntry>();
  private readonly distrust = new Map<string, Float32Array[]>();
  /** Vectors in shared pages (per dimension: an upstream embedder's is known only after its first answer). */
  private readonly slabs = new Map<number, VectorSlab>();
  /** A lookup's query vector until its save copies it into a slab (or it is dropped on a hit). */
  private readonly queries = new VectorArena();
  private readonly guard: MatchOptions;
  private listener: ((change: SemanticChange) => void) | undefined;

  constructor(
    readonly embedder: Embedder,
    private readonly store: SemanticEntryStore | undefined,
    private readonly options: SemanticCacheOptions,
  ) {
    this.guard = { strict: true, ...options.guard };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Restores live entries from the store (re-embedding those made by another embedder). */
  async load(): Promise<number> {
    if (!this.store) return 0;
    const now = this.options.now();
    await this.store.purgeExpired(now).catch(() => 0);
    const rows = await this.store.loadLive(now, this.options.maxEntries);
    for (const row of rows) {
      const vector = row.embedderId === this.embedder.id ? row.vector : await this.embedder.embed(row.text);
      this.index({ ...row, vector, embedderId: this.embedder.id });
    }
    return rows.length;
  }

  async embed(text: string): Promise<Float32Array> {
    return this.embedder.embed(text);
  }

  async lookup(namespace: string, text: string, vector?: Float32Array): Promise<SemanticLookup> {
    let query = vector;
    let keys: string[];
    if (query === undefined && this.embedder.embedWords) {
      // The prompt is tokenised once, for its embedding and its content keys both.
      const words = tokenize(text);
      query = this.embedder.embedWords(words, this.queries.take(this.embedder.dimensions));
      keys = contentKeysOf(words);
    } else {
      query ??= await this.embed(text);
      keys = contentKeys(text);
    }
    const index = this.indexes.get(namespace);
    const threshold = this.thresholdNear(namespace, query);
    const now = this.options.now();
    let rejected: string | undefined;
    for (const neighbour of index?.search(keys, query, threshold, 4, !this.guard.verifier) ?? []) {
      const entry = this.entries.get(neighbour.id);
      if (!entry) continue;
      if (entry.expiresAtMs <= now) {
        this.evict(entry.id);
        continue;
      }
      const verdict = matchDecision(text, entry.text, this.guard);
      if (!verdict.ok) {
        rejected ??= verdict.reason;
        continue;
      }
      this.hits += 1;
      return { hit: { entry, similarity: neighbour.similarity }, vector: query, keys };
    }
    this.misses += 1;
    if (rejected) this.guardRejections += 1;
    return { hit: undefined, vector: query, keys, rejected };
  }

  /** Keeps an answer for `text` in `namespace` (embedding it unless `vector` is given); returns the entry id once the store has it. */
  async save(namespace: string, text: string, answer: CachedAnswer, vector?: Float32Array, keys?: string[]): Promise<string> {
    const now = this.options.now();
    const entry = this.add(now, namespace, text, answer, vector ?? (await this.embed(text)), keys);
    await this.persist(() => this.store!.insert(entry));
    return entry.id;
  }

  /**
   * `save` with the embedding at hand (a lookup's `vector` and `keys`), without waiting: the entry is
   * indexed before this returns; its store write, when entries persist, runs on. Returns the entry id.
   */
  keep(namespace: string, text: string, answer: CachedAnswer, vector: Float32Array, keys?: string[]): string {
    const entry = this.add(this.options.now(), namespace, text, answer, vector, keys);
    if (this.store) void this.persist(() => this.store!.insert(entry));
    return entry.id;
  }

  /** A new entry made at `now`, indexed and announced; the entry returned (announced, to be written) holds `vector` itself, not the index's copy. */
  private add(now: number, namespace: string, text: string, answer: CachedAnswer, vector: Float32Array, keys: string[] | undefined): SemanticEntry {
    const entry: SemanticEntry = { id: randomUUID(), namespace, embedderId: this.embedder.id, text, vector, answer, createdAtMs: now, expiresAtMs: now + this.options.ttlMs };
    this.dropExpired(now);
    this.index(entry, keys);
    this.writes += 1;
    this.listener?.({ op: 'add', entry });
    return entry;
  }

  /** Called with every local add and delete, so they can be broadcast to other instances. */
  onChange(listener: (change: SemanticChange) => void): void {
    this.listener = listener;
  }

  /** Applies another instance's change (the store was already updated there). */
  applyRemote(change: SemanticChange): void {
    if (change.op === 'add') {
      if (change.entry.embedderId === this.embedder.id) this.index(change.entry);
      return;
    }
    if (change.distrust && change.namespace) this.addDistrust(change.namespace, change.distrust);
    for (const id of change.ids) this.evict(id, false);
  }

  /** A live entry by id. */
  entry(id: string): SemanticEntry | undefined {
    return this.entries.get(id);
  }

  /** An answer served from `id` was wrong: evict it and distrust its neighbourhood. */
  markWrong(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.markedWrong += 1;
    // A copy: the entry's vector is a view into a slab row that is reused once evicted.
    const vector = entry.vector.slice();
    this.addDistrust(entry.namespace, vector);
    this.evict(id);
    this.listener?.({ op: 'delete', namespace: entry.namespace, ids: [id], distrust: vector });
    return true;
  }

  /** Entries are kept oldest first and share one TTL: expired ones are dropped from the front (here and in the store). */
  private dropExpired(now: number): void {
    // By value (an entry's key is its id): no [id, entry] pair per step.
    for (const entry of this.entries.values()) {
      if (entry.expiresAtMs > now) break;
      this.evict(entry.id);
    }
  }

  /**
   * Persistence is best effort and bounded: with more than 1,000 store writes unanswered (a slow or
   * unreachable database), further ones are skipped rather than queued without limit. The entry
   * still serves from memory; it is just not restored after a restart.
   */
  private async persist(write: () => Promise<void>): Promise<void> {
    if (!this.store) return;
    if (this.pendingWrites >= 1_000) {
      this.skippedWrites += 1;
      return;
    }
    this.pendingWrites += 1;
    try {
      await write();
    } catch {
      this.skippedWrites += 1;
    } finally {
      this.pendingWrites -= 1;
    }
  }

  private addDistrust(namespace: string, vector: Float32Array): void {
    const points = this.distrust.get(namespace) ?? [];
    points.push(vector);
    if (points.length > 64) points.shift();
    this.distrust.set(namespace, points);
  }

  /** Every entry whose answer `matches` was wrong (feedback): evicts each and distrusts its neighbourhood; returns how many. */
  markWrongWhere(matches: (entry: SemanticEntry) => boolean): number {
    const ids = [...this.entries.values()].filter(matches).map((entry) => entry.id);
    let evicted = 0;
    for (const id of ids) if (this.markWrong(id)) evicted += 1;
    return evicted;
  }

  /** Drops every entry `matches` (no distrust: nothing was wrong, e.g. entries in an older stored format); returns how many. */
  dropWhere(matches: (entry: SemanticEntry) => boolean): number {
    const ids = [...this.entries.values()].filter(matches).map((entry) => entry.id);
    for (const id of ids) this.evict(id);
    return ids.length;
  }

  /**
   * Drops the entries of one cache namespace (`org:<id>` or the shared one: the entry's own namespace
   * is that plus `|<context digest>`) and/or of one requested model; all with `{}`.
   */
  invalidate(filter: CachePurgeFilter): number {
    const inNamespace = (entry: SemanticEntry) => filter.namespace === undefined || entry.namespace === filter.namespace || entry.namespace.startsWith(`${filter.namespace}|`);
    const ids = [...this.entries.values()].filter((entry) => inNamespace(entry) && matchesPurge(entry.answer, { model: filter.model })).map((entry) => entry.id);
    for (const id of ids) this.evict(id);
    if (ids.length > 0) this.listener?.({ op: 'delete', ids });
    return ids.length;
  }

  stats() {
    const lookups = this.hits + this.misses;
    return {
      embedder: this.embedder.id,
      entries: this.entries.size,
      namespaces: this.indexes.size,
      threshold: this.options.threshold,
      hits: this.hits,
      misses: this.misses,
      hitRate: lookups ? Math.round((this.hits / lookups) * 10_000) / 10_000 : 0,
      guardRejections: this.guardRejections,
      markedWrong: this.markedWrong,
      writes: this.writes,
      skippedStoreWrites: this.skippedWrites,
    };
  }

  private thresholdNear(namespace: string, vector: Float32Array): number {
    const base = this.options.threshold;
    const radius = this.options.distrustRadius ?? 0.8;
    const points = this.distrust.get(namespace);
    if (points === undefined) return base;
    for (const point of points) {
      if (cosine(point, vector) >= radius) return Math.min(0.995, base + (this.options.distrustPenalty ?? 0.05));
    }
    return base;
  }

  /** Indexes an entry (its vector copied to a slab row). `keys`: the text's content keys when the lookup already computed them. */
  private index(entry: SemanticEntry, keys?: string[]): void {
    this.evict(entry.id, false);
    let slab = this.slabs.get(entry.vector.length);
    if (!slab) this.slabs.set(entry.vector.length, (slab = new VectorSlab(entry.vector.length)));
    let index = this.indexes.get(entry.namespace);
    if (!index) this.indexes.set(entry.namespace, (index = new NeighbourIndex(entry.namespace)));
    // Written field by field (one fixed shape, nothing but the entry's own fields), the vector a view of its slab row,
    // the namespace the index's own string (one per namespace, not a copy per entry).
    entry = {
      id: entry.id,
      namespace: index.namespace,
      embedderId: entry.embedderId,
      text: entry.text,
      vector: slab.store(entry.vector),
      answer: entry.answer,
      createdAtMs: entry.createdAtMs,
      expiresAtMs: entry.expiresAtMs,
    };
    this.entries.set(entry.id, entry);
    index.add(entry.id, entry.text, entry.vector, keys);
    if (this.entries.size > this.options.maxEntries) {
      for (const oldest of this.entries.keys()) {
        if (this.entries.size <= this.options.maxEntries) break;
        this.evict(oldest);
      }
    }
  }

  /** Drops an entry here; `persist` also deletes it from the store (not for a remote change, already applied there). */
  private evict(id: string, persist = true): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.slabs.get(entry.vector.length)?.release(entry.vector);
    const index = this.indexes.get(entry.namespace);
    index?.remove(id);
    if (index?.size === 0) this.indexes.delete(entry.namespace);
    if (persist) void this.persist(() => this.store!.delete([id]));
  }
}
