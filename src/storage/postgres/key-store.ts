import type pg from 'pg';
import type { KeyStore } from '../../keys/store.ts';
import { hashSecret, newKeyId, newSecret, secretPrefix, seededKeyId } from '../../keys/secret.ts';
import { limitsColumn, rowToKey } from '../sqlite/key-store.ts';

/** Virtual keys in PostgreSQL, by SHA-256 of the secret (same semantics as the SQLite store). */
export function createPostgresKeyStore(pool: pg.Pool, now: () => number = Date.now): KeyStore {
  return {
    async create(input) {
      const secret = input.secret ?? newSecret();
      const hash = hashSecret(secret);
      await pool.query(
        `INSERT INTO virtual_keys (id, secret_hash, prefix, name, org_id, project_id, user_id, tags, allow_attribution, limits, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (secret_hash) DO UPDATE SET name = EXCLUDED.name, org_id = EXCLUDED.org_id, project_id = EXCLUDED.project_id,
           user_id = EXCLUDED.user_id, tags = EXCLUDED.tags, allow_attribution = EXCLUDED.allow_attribution, limits = EXCLUDED.limits`,
        [input.secret !== undefined ? seededKeyId(secret) : newKeyId(), hash, secretPrefix(secret), input.name, input.orgId, input.projectId, input.userId ?? null, JSON.stringify(input.tags ?? []), input.allowAttributionHeaders === true, limitsColumn(input.limits), now()],
      );
      const { rows } = await pool.query('SELECT * FROM virtual_keys WHERE secret_hash = $1', [hash]);
      return { key: rowToKey(rows[0]), secret };
    },
    async findBySecret(secret) {
      const { rows } = await pool.query('SELECT * FROM virtual_keys WHERE secret_hash = $1', [hashSecret(secret)]);
      return rows[0] ? rowToKey(rows[0]) : undefined;
    },
    async list() {
      const { rows } = await pool.query('SELECT * FROM virtual_keys ORDER BY created_at_ms, id');
      return rows.map(rowToKey);
    },
    async revoke(id, nowMs) {
      const result = await pool.query('UPDATE virtual_keys SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL', [nowMs, id]);
      return result.rowCount === 1;
    },
    async revokedAmong(ids) {
      if (ids.length === 0) return [];
      const { rows } = await pool.query('SELECT id FROM virtual_keys WHERE revoked_at_ms IS NOT NULL AND id = ANY($1::text[])', [ids]);
      return rows.map((row: { id: unknown }) => String(row.id));
    },
  };
}
