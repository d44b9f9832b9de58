import type pg from 'pg';
import { SEMANTIC_COLUMNS, entryToRow, rowToEntry, type SemanticEntryStore } from '../../cache/semantic/entry-store.ts';

export function createPostgresSemanticCacheStore(pool: pg.Pool): SemanticEntryStore {
  return {
    async insert(entry) {
      await pool.query(
        `INSERT INTO semantic_cache (${SEMANTIC_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET answer = EXCLUDED.answer, vector = EXCLUDED.vector, expires_at_ms = EXCLUDED.expires_at_ms`,
        entryToRow(entry),
      );
    },
    async delete(ids) {
      if (ids.length > 0) await pool.query('DELETE FROM semantic_cache WHERE id = ANY($1)', [ids]);
    },
    async loadLive(nowMs, limit) {
      const { rows } = await pool.query(
        `SELECT ${SEMANTIC_COLUMNS} FROM (SELECT * FROM semantic_cache WHERE expires_at_ms > $1 ORDER BY created_at_ms DESC LIMIT $2) AS live ORDER BY created_at_ms`,
        [nowMs, limit],
      );
      return rows.map(rowToEntry);
    },
    async purgeExpired(nowMs) {
      const result = await pool.query('DELETE FROM semantic_cache WHERE expires_at_ms <= $1', [nowMs]);
      return result.rowCount ?? 0;
    },
    async clear() {
      // Dead tuples stay on disk until VACUUM reclaims them (autovacuum, or the operator's VACUUM).
      const result = await pool.query('DELETE FROM semantic_cache');
      return result.rowCount ?? 0;
    },
  };
}
