import { compactLimits, type KeyLimits } from '../../domain/key-limits.ts';
import { safeParseJson } from '../../domain/safe-parse-json.ts';
import type { KeyStore, VirtualKey } from '../../keys/store.ts';
import { hashSecret, newKeyId, newSecret, secretPrefix, seededKeyId } from '../../keys/secret.ts';
import type { SqliteDatabase } from './open.ts';

type Row = Record<string, unknown>;

export function rowToKey(row: Row): VirtualKey {
  return {
    id: String(row.id),
    name: String(row.name),
    orgId: String(row.org_id),
    projectId: String(row.project_id),
    userId: row.user_id === null || row.user_id === undefined ? null : String(row.user_id),
    tags: typeof row.tags === 'string' ? (JSON.parse(row.tags) as string[]) : ((row.tags as string[]) ?? []),
    allowAttributionHeaders: Boolean(row.allow_attribution),
    limits: limitsOf(row.limits),
    createdAtMs: Number(row.created_at_ms),
    revokedAtMs: row.revoked_at_ms === null || row.revoked_at_ms === undefined ? null : Number(row.revoked_at_ms),
    prefix: String(row.prefix),
  };
}

/** The stored limits column (JSON text in SQLite, JSONB in PostgreSQL; NULL for older keys). */
function limitsOf(value: unknown): KeyLimits {
  if (typeof value === 'string') {
    const parsed = safeParseJson(value);
    return parsed.ok ? compactLimits(parsed.value as KeyLimits) : {};
  }
  return compactLimits(value as KeyLimits | null);
}

/** The limits column value for an insert or update: NULL when the key has none. */
export function limitsColumn(limits: KeyLimits | undefined): string | null {
  const compact = compactLimits(limits);
  return Object.keys(compact).length ? JSON.stringify(compact) : null;
}

/**
 * Virtual keys in SQLite, by SHA-256 of the secret (the secret itself is never stored). A supplied
 * secret (config seeding) is used as given; creating a key whose secret is already stored updates
 * that key's attribution and limits from the input and returns it instead of a duplicate.
 */
export function createSqliteKeyStore(db: SqliteDatabase, now: () => number = Date.now): KeyStore {
  const byHash = db.prepare('SELECT * FROM virtual_keys WHERE secret_hash = ?');
  const insert = db.prepare(
    `INSERT INTO virtual_keys (id, secret_hash, prefix, name, org_id, project_id, user_id, tags, allow_attribution, limits, created_at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(secret_hash) DO UPDATE SET name = excluded.name, org_id = excluded.org_id, project_id = excluded.project_id,
       user_id = excluded.user_id, tags = excluded.tags, allow_attribution = excluded.allow_attribution, limits = excluded.limits`,
  );
  const listAll = db.prepare('SELECT * FROM virtual_keys ORDER BY created_at_ms, id');
  const revokeOne = db.prepare('UPDATE virtual_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL');
  const revokedIn = db.prepare('SELECT id FROM virtual_keys WHERE revoked_at_ms IS NOT NULL AND id IN (SELECT value FROM json_each(?))');
  return {
    async create(input) {
      const secret = input.secret ?? newSecret();
      const hash = hashSecret(secret);
      insert.run(
        input.secret !== undefined ? seededKeyId(secret) : newKeyId(),
        hash,
        secretPrefix(secret),
        input.name,
        input.orgId,
        input.projectId,
        input.userId ?? null,
        JSON.stringify(input.tags ?? []),
        input.allowAttributionHeaders === true ? 1 : 0,
        limitsColumn(input.limits),
        now(),
      );
      return { key: rowToKey(byHash.get(hash) as Row), secret };
    },
    async findBySecret(secret) {
      const row = byHash.get(hashSecret(secret)) as Row | undefined;
      return row ? rowToKey(row) : undefined;
    },
    async list() {
      return (listAll.all() as Row[]).map(rowToKey);
    },
    async revoke(id, nowMs) {
      return revokeOne.run(nowMs, id).changes === 1;
    },
    async revokedAmong(ids) {
      if (ids.length === 0) return [];
      return (revokedIn.all(JSON.stringify(ids)) as Row[]).map((row) => String(row.id));
    },
  };
}
