import type { CachedAnswer } from '../exact-store.ts';

/** One semantic-cache entry as persisted: the prompt is kept so a new embedder can re-embed it. */
export interface SemanticEntry {
  id: string;
  namespace: string;
  embedderId: string;
  text: string;
  vector: Float32Array;
  answer: CachedAnswer;
  createdAtMs: number;
  expiresAtMs: number;
}

/** Where semantic entries persist (the ledger's database), so a restart keeps the cache warm. */
export interface SemanticEntryStore {
  insert(entry: SemanticEntry): Promise<void>;
  delete(ids: readonly string[]): Promise<void>;
  /** Live entries (not expired), newest last, at most `limit`. */
  loadLive(nowMs: number, limit: number): Promise<SemanticEntry[]>;
  /** Drops expired entries; returns how many. */
  purgeExpired(nowMs: number): Promise<number>;
  /** Drops every entry, overwriting what it can (persistence turned off); returns how many. */
  clear(): Promise<number>;
}

/** Vector bytes for a BLOB/BYTEA column, and back. */
export function vectorToBuffer(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function bufferToVector(buffer: Uint8Array): Float32Array {
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return new Float32Array(copy.buffer);
}

/** Row shape shared by the SQL stores. */
export function entryToRow(entry: SemanticEntry): unknown[] {
  return [entry.id, entry.namespace, entry.embedderId, entry.text, vectorToBuffer(entry.vector), JSON.stringify(entry.answer), entry.createdAtMs, entry.expiresAtMs];
}

export function rowToEntry(row: Record<string, unknown>): SemanticEntry {
  return {
    id: String(row.id),
    namespace: String(row.namespace),
    embedderId: String(row.embedder_id),
    text: String(row.text),
    vector: bufferToVector(row.vector as Uint8Array),
    answer: JSON.parse(String(row.answer)) as CachedAnswer,
    createdAtMs: Number(row.created_at_ms),
    expiresAtMs: Number(row.expires_at_ms),
  };
}

export const SEMANTIC_COLUMNS = 'id, namespace, embedder_id, text, vector, answer, created_at_ms, expires_at_ms';
