/**
 * Import benchmark: `npm run bench:import`. Writes a CSV of IMPORT_ROWS rows (default 1,000,000; a
 * trace shaped like Azure's: timestamp, context and generated tokens, plus a project and a model
 * column) with a few broken lines into a temp dir, then imports it with the same code path as
 * `tollgate import --format csv --map ...` and prints one JSON line:
 * - parseRowsPerSec: a dry run (read, parse, validate, price; nothing written);
 * - sqliteRowsPerSec, sqliteSeconds: the import into a fresh SQLite ledger (batches of 5,000, one
 *   transaction each, hourly rollup maintained);
 * - sqliteReimportRowsPerSec: the same file again (every row already there: nothing added);
 * - badRows with their line numbers, rows added on each run;
 * - postgres*: the same on PostgreSQL when TOLLGATE_TEST_DATABASE_URL is set (a fresh database).
 * The file is deleted afterwards.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseColumnMap } from '../src/analytics/import/column-map.ts';
import { importUsage, type BadRow } from '../src/analytics/import/import-usage.ts';
import { loadBundledCatalogue } from '../src/pricing/bundled-catalogue.ts';
import { createPriceBook } from '../src/pricing/genai-price-book.ts';
import { openStorage, type Storage } from '../src/storage/open-storage.ts';
import { freshDatabase } from '../test/support/fresh-database.ts';
import { seededRandom } from '../test/support/ledger-records.ts';

const ROWS = Number(process.env.IMPORT_ROWS ?? 1_000_000);
/** Data lines (1-based after the header) written broken, each a different way. */
const BROKEN: Record<number, string> = {
  [Math.floor(ROWS * 0.1)]: '2026-11-03 10:00:00,12,abc,web,gpt-4o-mini',
  [Math.floor(ROWS * 0.35)]: '2026-11-03 10:00:00,-4,10,web,gpt-4o-mini',
  [Math.floor(ROWS * 0.6)]: 'garbage line without commas',
  [Math.floor(ROWS * 0.85)]: '"unclosed quote,1,2,web,gpt-4o-mini',
  [ROWS]: '2150-01-01 00:00:00,10,10,web,gpt-4o-mini',
};

async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  const random = seededRandom(13);
  const projects = ['web', 'api', 'agents', 'support', 'batch'];
  const models = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-20241022'];
  const start = Date.UTC(2026, 10, 1);
  const spanMs = 14 * 86_400_000;
  let buffer = 'TIMESTAMP,ContextTokens,GeneratedTokens,project,model\n';
  for (let row = 1; row <= ROWS; row += 1) {
    const broken = BROKEN[row];
    if (broken !== undefined) buffer += `${broken}\n`;
    else {
      const time = new Date(start + Math.floor((row / ROWS) * spanMs)).toISOString().replace('T', ' ').replace('Z', '0000');
      buffer += `${time},${50 + Math.floor(random() * 4000)},${1 + Math.floor(random() * 600)},${projects[Math.floor(random() * projects.length)]},${models[Math.floor(random() * models.length)]}\n`;
    }
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

const priceBook = createPriceBook({ catalogue: loadBundledCatalogue() });

async function run(file: string, storage: Storage | undefined) {
  const bad: BadRow[] = [];
  const before = storage ? await storage.ledger.count({ origin: 'import:csv' }) : 0;
  const started = performance.now();
  const summary = await importUsage(createReadStream(file, { highWaterMark: 256 * 1024 }), {
    format: 'csv',
    columnMap: parseColumnMap('ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens'),
    defaults: { orgId: 'default', projectId: 'default', model: undefined, provider: undefined },
    priceBook,
    dryRun: storage === undefined,
    write: (records) => storage!.ledger.append(records),
    onBadRow: (row) => void bad.push(row),
  });
  const seconds = (performance.now() - started) / 1000;
  const added = storage ? (await storage.ledger.count({ origin: 'import:csv' })) - before : 0;
  return { seconds, rowsPerSec: Math.round(summary.rowsRead / seconds), summary, added, bad };
}

const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-import-'));
try {
  const file = path.join(dir, 'trace.csv');
  const writeStarted = performance.now();
  await writeCsv(file);
  const result: Record<string, unknown> = {
    rows: ROWS,
    fileMb: Math.round(statSync(file).size / 1e5) / 10,
    generateSeconds: Math.round(performance.now() - writeStarted) / 1000,
  };
  const dry = await run(file, undefined);
  result.parseRowsPerSec = dry.rowsPerSec;
  result.parseSeconds = Math.round(dry.seconds * 100) / 100;
  result.badRows = dry.bad.map((row) => `line ${row.line}: ${row.reason}`);

  const sqliteDir = path.join(dir, 'sqlite');
  const sqlite = await openStorage({ dataDir: sqliteDir });
  try {
    const first = await run(file, sqlite);
    const again = await run(file, sqlite);
    Object.assign(result, {
      sqliteSeconds: Math.round(first.seconds * 100) / 100,
      sqliteRowsPerSec: first.rowsPerSec,
      sqliteAdded: first.added,
      sqliteCostUsd: first.summary.costNanoUsd / 1e9,
      sqliteReimportSeconds: Math.round(again.seconds * 100) / 100,
      sqliteReimportRowsPerSec: again.rowsPerSec,
      sqliteReimportAdded: again.added,
    });
  } finally {
    await sqlite.close();
  }

  const baseUrl = process.env.TOLLGATE_TEST_DATABASE_URL;
  if (baseUrl) {
    const database = await freshDatabase(baseUrl);
    const postgres = await openStorage({ dataDir: dir, databaseUrl: database.url });
    try {
      const first = await run(file, postgres);
      const again = await run(file, postgres);
      Object.assign(result, {
        postgresSeconds: Math.round(first.seconds * 100) / 100,
        postgresRowsPerSec: first.rowsPerSec,
        postgresAdded: first.added,
        postgresReimportSeconds: Math.round(again.seconds * 100) / 100,
        postgresReimportAdded: again.added,
      });
    } finally {
      await postgres.close();
      await database.drop();
    }
  }
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
