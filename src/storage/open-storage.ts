import type { BudgetStore } from '../budgets/store.ts';
import type { KeyStore } from '../keys/store.ts';
import type { FeedbackStore } from '../routing/feedback.ts';
import type { LedgerStore } from '../ledger/store.ts';
import type { SemanticEntryStore } from '../cache/semantic/entry-store.ts';
import type { AnomalyStore } from '../analytics/anomalies/types.ts';
import type { LedgerLocation } from './open-ledger-reader.ts';

export interface Storage {
  ledger: LedgerStore;
  keys: KeyStore;
  budgets: BudgetStore;
  feedback: FeedbackStore;
  semanticCache: SemanticEntryStore;
  anomalies: AnomalyStore;
  backend: 'sqlite' | 'postgres';
  /** Where the ledger lives: a worker thread opens its own read view of it there (open-ledger-reader.ts). */
  location: LedgerLocation;
  close(): Promise<void>;
}

/** PostgreSQL when `databaseUrl` is set, else SQLite under `dataDir`. Drivers load lazily. */
export async function openStorage(options: { dataDir: string; databaseUrl?: string | undefined }): Promise<Storage> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres/open.ts');
    const { createPostgresLedgerStore } = await import('./postgres/ledger-store.ts');
    const { createPostgresKeyStore } = await import('./postgres/key-store.ts');
    const { createPostgresBudgetStore } = await import('./postgres/budget-store.ts');
    const { createPostgresFeedbackStore } = await import('./postgres/feedback-store.ts');
    const { createPostgresSemanticCacheStore } = await import('./postgres/semantic-cache-store.ts');
    const { createPostgresAnomalyStore } = await import('./postgres/anomaly-store.ts');
    const pool = await openPostgres(options.databaseUrl);
    return {
      ledger: createPostgresLedgerStore(pool),
      keys: createPostgresKeyStore(pool),
      budgets: createPostgresBudgetStore(pool),
      feedback: createPostgresFeedbackStore(pool),
      semanticCache: createPostgresSemanticCacheStore(pool),
      anomalies: createPostgresAnomalyStore(pool),
      backend: 'postgres',
      location: { kind: 'postgres', url: options.databaseUrl },
      close: () => pool.end(),
    };
  }
  const { openSqlite } = await import('./sqlite/open.ts');
  const { createSqliteLedgerStore } = await import('./sqlite/ledger-store.ts');
  const { createSqliteKeyStore } = await import('./sqlite/key-store.ts');
  const { createSqliteBudgetStore } = await import('./sqlite/budget-store.ts');
  const { createSqliteFeedbackStore } = await import('./sqlite/feedback-store.ts');
  const { createSqliteSemanticCacheStore } = await import('./sqlite/semantic-cache-store.ts');
  const { createSqliteAnomalyStore } = await import('./sqlite/anomaly-store.ts');
  const db = openSqlite(options.dataDir);
  const ledger = createSqliteLedgerStore(db);
  let closed = false;
  return {
    ledger,
    keys: createSqliteKeyStore(db),
    budgets: createSqliteBudgetStore(db),
    feedback: createSqliteFeedbackStore(db),
    semanticCache: createSqliteSemanticCacheStore(db),
    anomalies: createSqliteAnomalyStore(db),
    backend: 'sqlite',
    location: { kind: 'sqlite', file: db.name },
    async close() {
      if (closed) return;
      closed = true;
      await ledger.close();
      db.close();
    },
  };
}
