import type { LedgerStore } from '../ledger/store.ts';

/** Where a ledger lives, as plain data a worker thread can be handed. */
export type LedgerLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface LedgerReader {
  /** Only for reads: a SQLite reader's connection is read-only (an append fails). */
  ledger: LedgerStore;
  close(): Promise<void>;
}

/**
 * A second, read-only view of a ledger for a worker thread (the report worker): its own read-only
 * SQLite connection, read on the calling thread (WAL lets it read while the gateway's writer commits),
 * or its own small PostgreSQL pool (`connections`, default 2), without migrations (the gateway's own
 * open brought the schema up to date). Drivers load lazily.
 */
export async function openLedgerReader(location: LedgerLocation, options: { connections?: number } = {}): Promise<LedgerReader> {
  if (location.kind === 'postgres') {
    const { openPostgresPool } = await import('./postgres/open.ts');
    const { createPostgresLedgerStore } = await import('./postgres/ledger-store.ts');
    const pool = openPostgresPool(location.url, options.connections ?? 2);
    return { ledger: createPostgresLedgerStore(pool), close: () => pool.end() };
  }
  const { default: Database } = await import('better-sqlite3');
  const { createSqliteLedgerStore } = await import('./sqlite/ledger-store.ts');
  const db = new Database(location.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const ledger = createSqliteLedgerStore(db, { readInWorker: false });
  return {
    ledger,
    async close() {
      await ledger.close();
      db.close();
    },
  };
}
