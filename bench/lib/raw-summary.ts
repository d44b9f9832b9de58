/**
 * A child of `bench:reports`: one `summarize` over a SQLite ledger's raw rows, in its own process so
 * the parent can kill it at BENCH_RAW_TIMEOUT_S (a running better-sqlite3 query cannot be interrupted).
 * Usage: tsx bench/lib/raw-summary.ts <db file> '<dimensions JSON>' '<filter JSON>'; prints {ms, rows}.
 */
import Database from 'better-sqlite3';
import type { LedgerDimension } from '../../src/ledger/record.ts';
import type { LedgerFilter } from '../../src/ledger/store.ts';
import { createSqliteLedgerStore } from '../../src/storage/sqlite/ledger-store.ts';

const [file, dimensions, filter] = process.argv.slice(2);
const db = new Database(file!, { fileMustExist: true });
const store = createSqliteLedgerStore(db, { readInWorker: false });
const started = performance.now();
const rows = await store.summarize(JSON.parse(dimensions!) as LedgerDimension[], JSON.parse(filter!) as LedgerFilter);
const ms = performance.now() - started;
db.close();
process.stdout.write(JSON.stringify({ ms, rows }));
