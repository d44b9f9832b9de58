import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './migrations.ts';

export type SqliteDatabase = Database.Database;

/** Opens (creating) `<dataDir>/tollgate.db` in WAL mode and brings its schema up to date. */
export function openSqlite(dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'tollgate.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
    const current = row.version ?? 0;
    for (let index = current; index < SQLITE_MIGRATIONS.length; index += 1) {
      db.exec(SQLITE_MIGRATIONS[index]!);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(index + 1);
    }
  });
  apply.immediate();
}
