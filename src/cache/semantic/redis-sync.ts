import { randomUUID } from 'node:crypto';
import { openRedisChannel } from '../../redis/channel.ts';
import type { CachedAnswer } from '../exact-store.ts';
import { bufferToVector, vectorToBuffer } from './entry-store.ts';
import type { SemanticCache, SemanticChange } from './semantic-cache.ts';

const CHANNEL = 'tg:semantic-cache';

interface WireChange {
  origin: string;
  op: 'add' | 'delete';
  entry?: { id: string; namespace: string; embedderId: string; text: string; vector: string; answer: CachedAnswer; createdAtMs: number; expiresAtMs: number };
  namespace?: string | undefined;
  ids?: string[];
  distrust?: string | undefined;
}

const toBase64 = (vector: Float32Array) => vectorToBuffer(vector).toString('base64');
const fromBase64 = (text: string) => bufferToVector(Buffer.from(text, 'base64'));

/**
 * Keeps every instance's in-process semantic index in step over Redis pub/sub: new entries,
 * evictions by feedback (with the distrusted neighbourhood) and invalidations. Messages lost while
 * Redis is down are not replayed; entries persisted in a shared store return at the next restart.
 */
export function syncSemanticCacheOverRedis(cache: SemanticCache, url: string): { ready: Promise<void>; close(): Promise<void> } {
  const origin = randomUUID();
  const channel = openRedisChannel(url, CHANNEL, (text) => {
    let change: WireChange;
    try {
      change = JSON.parse(text) as WireChange;
    } catch {
      return;
    }
    if (change.origin === origin) return;
    if (change.op === 'add' && change.entry) cache.applyRemote({ op: 'add', entry: { ...change.entry, vector: fromBase64(change.entry.vector) } });
    if (change.op === 'delete' && change.ids) cache.applyRemote({ op: 'delete', namespace: change.namespace, ids: change.ids, distrust: change.distrust ? fromBase64(change.distrust) : undefined });
  });
  cache.onChange((change: SemanticChange) => {
    const wire: WireChange =
      change.op === 'add'
        ? { origin, op: 'add', entry: { ...change.entry, vector: toBase64(change.entry.vector) } }
        : { origin, op: 'delete', namespace: change.namespace, ids: change.ids, distrust: change.distrust && toBase64(change.distrust) };
    channel.publish(JSON.stringify(wire));
  });
  return {
    ready: channel.ready,
    async close() {
      channel.close();
    },
  };
}
