import { SEMANTIC_COLUMNS, entryToRow, rowToEntry, type SemanticEntryStore } from '../../cache/semantic/entry-store.ts';
import type { SqliteDatabase } from './open.ts';

export function createSqliteSemanticCacheStore(db: SqliteDatabase): SemanticEntryStore {
  const insert = db.prepare(`INSERT OR REPLACE INTO semantic_cache (${SEMANTIC_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const remove = db.prepare('DELETE FROM semantic_cache WHERE id = ?');
  const removeMany = db.transaction((ids: readonly string[]) => {
    for (const id of ids) remove.run(id);
  });
  return {
    async insert(entry) {
      insert.run(...entryToRow(entry));
    },
    async delete(ids) {
      removeMany(ids);
    },
    async loadLive(nowMs, limit) {
      const rows = db
        .prepare(`SELECT ${SEMANTIC_COLUMNS} FROM (SELECT * FROM semantic_cache WHERE expires_at_ms > ? ORDER BY created_at_ms DESC LIMIT ?) ORDER BY created_at_ms`)
        .all(nowMs, limit) as Record<string, unknown>[];
      return rows.map(rowToEntry);
    },
    async purgeExpired(nowMs) {
      return db.prepare('DELETE FROM semantic_cache WHERE expires_at_ms <= ?').run(nowMs).changes;
    },
    async clear() {
      const count = (db.prepare('SELECT count(*) AS n FROM semantic_cache').get() as { n: number }).n;
      if (count === 0) return 0;
      // Deleted rows would linger in free pages and the WAL: zero them, then checkpoint the WAL away.
      db.pragma('secure_delete = ON');
      try {
        db.prepare('DELETE FROM semantic_cache').run();
      } finally {
        db.pragma('secure_delete = OFF');
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
      return count;
    },
  };
}
