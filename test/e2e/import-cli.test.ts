import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { parseColumnMap } from '../../src/analytics/import/column-map.ts';
import type { ImportFormatId } from '../../src/analytics/import/formats.ts';
import { importUsage } from '../../src/analytics/import/import-usage.ts';
import { loadBundledCatalogue } from '../../src/pricing/bundled-catalogue.ts';
import { createPriceBook } from '../../src/pricing/genai-price-book.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { skipUnless } from '../support/skip-unless.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => path.join(root, 'test/fixtures/import', name);

/** The real `tollgate import` as a separate process against a store (SQLite dir or PostgreSQL URL). */
async function tollgate(store: { dataDir: string; databaseUrl?: string }, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, TOLLGATE_DATA_DIR: store.dataDir, DATABASE_URL: store.databaseUrl ?? '' };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env, maxBuffer: 1 << 24 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

/** Each fixture with its format, map and defaults (the CLI's flags, as options). */
const FORMATS: [string, ImportFormatId, { map?: string; model?: string; project?: string }][] = [
  ['openai-usage-completions.json', 'openai-usage-json', {}],
  ['openai-costs.csv', 'openai-costs-csv', {}],
  ['anthropic-usage-report.json', 'anthropic-usage-json', {}],
  ['litellm-spend-logs.json', 'litellm-json', {}],
  ['litellm-spend-logs.csv', 'litellm-csv', {}],
  ['mapped-trace.csv', 'csv', { map: 'ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens', model: 'gpt-4o-mini', project: 'azure' }],
  ['mapped-requests.jsonl', 'jsonl', { map: 'ts=created_at,input=usage.prompt_tokens,output=usage.completion_tokens,project=team,cost=cost_usd' }],
];
const priceBook = createPriceBook({ catalogue: loadBundledCatalogue() });

/** What the CLI does, in process: the file streamed into the store's ledger in batches. */
async function importInto(storage: Storage, file: string, format: ImportFormatId, extra: { map?: string; model?: string; project?: string }) {
  const before = await storage.ledger.count({ origin: `import:${format}` });
  const summary = await importUsage(createReadStream(fixture(file), { highWaterMark: 64 }), {
    format,
    columnMap: parseColumnMap(extra.map ?? ''),
    defaults: { orgId: 'default', projectId: extra.project ?? 'default', model: extra.model, provider: undefined },
    priceBook,
    batchSize: 2,
    write: (records) => storage.ledger.append(records),
  });
  return { summary, added: (await storage.ledger.count({ origin: `import:${format}` })) - before };
}

/** A 20k-row trace CSV with four broken lines at known places. */
function writeLargeCsv(file: string, rows: number, start = Date.UTC(2026, 10, 20)): number[] {
  const broken = new Map<number, string>([
    [1_001, '2026-11-20 10:00:00,12,abc'],
    [5_002, '2026-11-20 10:00:00,-4,10'],
    [12_003, 'garbage line without commas'],
    [rows, '2150-01-01 00:00:00,10,10'],
  ]);
  const lines = ['TIMESTAMP,ContextTokens,GeneratedTokens'];
  for (let row = 1; row <= rows; row += 1) {
    lines.push(broken.get(row) ?? `${new Date(start + row * 1000).toISOString().replace('T', ' ').replace('Z', '')},${100 + (row % 900)},${10 + (row % 90)}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return [...broken.keys()].map((row) => row + 1);
}

function importSuite(name: string, openStore: () => Promise<{ dataDir: string; databaseUrl?: string; cleanup(): Promise<void> }>) {
  describe(name, () => {
    let store: { dataDir: string; databaseUrl?: string; cleanup(): Promise<void> };
    let storage: Storage;
    const work = mkdtempSync(path.join(tmpdir(), 'tollgate-import-'));
    beforeAll(async () => {
      store = await openStore();
      storage = await openStorage(store);
    });
    afterAll(async () => {
      await storage?.close();
      await store?.cleanup();
      rmSync(work, { recursive: true, force: true });
    });

    it('imports every format into the store, the rows feed reports, and a re-import adds nothing', async () => {
      for (const [file, format, extra] of FORMATS) {
        const { summary, added } = await importInto(storage, file, format, extra);
        expect(summary.badRows, file).toBe(0);
        expect(added, file).toBe(summary.rowsImported);
      }
      const rowsBefore = await storage.ledger.count({});
      const totalsBefore = await storage.ledger.summarize(['project']);
      expect(rowsBefore).toBe(3 + 3 + 2 + 3 + 3 + 4 + 3);
      // Imported history lands in the same store: the report by project sees it, with the buckets' request counts.
      const byProject = Object.fromEntries(totalsBefore.map((row) => [row.keys.project, row]));
      expect(byProject.proj_web!.requests).toBe(430);
      expect(byProject.azure).toMatchObject({ requests: 4, inputTokens: 1740, outputTokens: 229 });
      expect(byProject.proj_batch!.costNanoUsd).toBe(112_500_000 + 1_250_000_000);
      // The same through the raw rows (a tag filter cannot use the rollup): request counts, not row counts.
      const [raw] = await storage.ledger.summarize([], { projectId: 'proj_web', fromMs: 1 });
      expect(raw).toMatchObject({ requests: 430, costNanoUsd: byProject.proj_web!.costNanoUsd });
      expect(await storage.ledger.count({ origin: 'import:litellm-csv' })).toBe(3);
      const [imported] = await storage.ledger.list({ origin: 'import:openai-usage-json' }, 1);
      expect(imported).toMatchObject({ origin: 'import:openai-usage-json', requests: 30 });

      for (const [file, format, extra] of FORMATS) {
        const { summary, added } = await importInto(storage, file, format, extra);
        expect(summary.rowsImported, file).toBeGreaterThan(0);
        expect(added, file).toBe(0);
      }
      expect(await storage.ledger.count({})).toBe(rowsBefore);
      expect(await storage.ledger.summarize(['project'])).toEqual(totalsBefore);
    });

    it('a crash mid-import leaves whole batches only, and a re-run completes it without double counting', async () => {
      const file = path.join(work, 'crash.csv');
      // Another day than the 20k file: rows without an id are keyed by their line and content.
      writeLargeCsv(file, 1_000, Date.UTC(2026, 10, 21));
      const options = (write: (records: Parameters<Storage['ledger']['append']>[0]) => Promise<void>) => ({
        format: 'csv' as const,
        columnMap: parseColumnMap('ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens'),
        defaults: { orgId: 'default', projectId: 'crash', model: 'gpt-4o-mini', provider: undefined },
        priceBook,
        batchSize: 100,
        write,
      });
      let calls = 0;
      const crashing = importUsage(createReadStream(file), options(async (records) => {
        calls += 1;
        if (calls === 4) throw new Error('simulated crash: the process dies during the 4th batch');
        await storage.ledger.append(records);
      }));
      await expect(crashing).rejects.toThrow(/simulated crash/);
      expect(await storage.ledger.count({ projectId: 'crash' })).toBe(300);
      const resumed = await importUsage(createReadStream(file), options((records) => storage.ledger.append(records)));
      expect(resumed.rowsImported).toBe(999);
      expect(await storage.ledger.count({ projectId: 'crash' })).toBe(999);
      const [totals] = await storage.ledger.summarize([], { projectId: 'crash' });
      expect(totals).toMatchObject({ requests: 999, costNanoUsd: resumed.costNanoUsd });
    });

    it('a 20k-row CSV with broken lines: the good rows in, each broken line named, exit 3; a re-run adds nothing', async () => {
      const file = path.join(work, 'large.csv');
      const brokenLines = writeLargeCsv(file, 20_000);
      const errors = path.join(work, 'errors.csv');
      const args = ['import', file, '--format', 'csv', '--map', 'ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens', '--model', 'gpt-4o-mini', '--project', 'large', '--errors-file', errors];
      const first = await tollgate(store, args);
      expect(first.code).toBe(3);
      expect(first.out).toContain('rows read 20000, imported 19996, new in the ledger 19996 (already there: 0), bad 4');
      for (const line of brokenLines) expect(first.out).toContain(`line ${line}:`);
      expect(first.err).toMatch(/4 bad row\(s\) skipped; all listed in/);
      expect(readFileSync(errors, 'utf8').trim().split('\n')).toEqual([
        'line,reason',
        `1002,"GeneratedTokens: not a number: \\"abc\\""`,
        `5003,"ContextTokens: negative (-4)"`,
        `12004,"1 fields, the header has 3"`,
        `20001,"TIMESTAMP: 2150-01-01T00:00:00.000Z is outside 2000-2099"`,
      ]);
      expect(await storage.ledger.count({ projectId: 'large' })).toBe(19_996);
      const second = await tollgate(store, [...args.slice(0, -2), '--quiet']);
      expect(second.code).toBe(3);
      expect(second.out).toContain('new in the ledger 0 (already there: 19996)');
      expect(await storage.ledger.count({ projectId: 'large' })).toBe(19_996);
    }, 300_000);

    it('reads a gzip file; --dry-run writes nothing', async () => {
      const gz = path.join(work, 'litellm.json.gz');
      writeFileSync(gz, gzipSync(readFileSync(fixture('litellm-spend-logs.json')).toString().replaceAll('chatcmpl-9f1c', 'gz-9f1c')));
      const before = await storage.ledger.count({});
      const dry = await tollgate(store, ['import', gz, '--format', 'litellm-json', '--dry-run', '--json']);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.out)).toMatchObject({ dryRun: true, rowsImported: 3, added: null, costUsd: '0.01951125' });
      expect(await storage.ledger.count({})).toBe(before);
      const real = await tollgate(store, ['import', gz, '--format', 'litellm-json', '--quiet']);
      expect(real.code).toBe(0);
      expect(await storage.ledger.count({})).toBe(before + 3);
    }, 300_000);
  });
}

importSuite('tollgate import on SQLite', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-import-sqlite-'));
  return { dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
});

skipUnless(testDatabaseUrl !== undefined, NO_TEST_DATABASE)('on PostgreSQL', () => {
  importSuite('tollgate import on PostgreSQL', async () => {
    const database = await freshDatabase(testDatabaseUrl!);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-import-pg-'));
    return {
      dataDir,
      databaseUrl: database.url,
      cleanup: async () => {
        rmSync(dataDir, { recursive: true, force: true });
        await database.drop();
      },
    };
  });
});

describe('tollgate import refuses bad input with a clear message and a non-zero exit', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'tollgate-import-bad-'));
  const store = { dataDir: work };
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer) => {
    const at = path.join(work, name);
    writeFileSync(at, content);
    return at;
  };

  it.each([
    ['unknown format', () => ['import', fixture('mapped-trace.csv'), '--format', 'excel'], 2, /unknown format 'excel'; one of: openai-usage-json, .*jsonl/],
    ['no format', () => ['import', fixture('mapped-trace.csv')], 2, /--format is required/],
    ['missing file', () => ['import', path.join(work, 'nope.csv'), '--format', 'csv'], 1, /cannot read .*nope\.csv: ENOENT/],
    ['empty file', () => ['import', file('empty.csv', ''), '--format', 'csv'], 1, /empty\.csv: line 1: the file is empty/],
    ['binary garbage', () => ['import', file('garbage.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), '--format', 'litellm-csv'], 1, /garbage\.bin: line 1: binary data/],
    ['broken gzip', () => ['import', file('broken.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02])), '--format', 'csv'], 1, /broken\.gz: not a valid gzip file/],
    ['wrong columns', () => ['import', fixture('mapped-trace.csv'), '--format', 'litellm-csv'], 1, /line 1: not a LiteLLM_SpendLogs CSV: missing column\(s\) request_id, startTime, model \(found: TIMESTAMP, ContextTokens, GeneratedTokens\)/],
    ['unknown mapped column', () => ['import', fixture('mapped-trace.csv'), '--format', 'csv', '--map', 'ts=TIME,input=ContextTokens'], 1, /line 1: mapped column\(s\) not in the file: TIME \(for ts\)/],
    ['wrong format for the file', () => ['import', fixture('litellm-spend-logs.csv'), '--format', 'anthropic-usage-json'], 1, /line 1: not JSON: unexpected 'r' at the top level; is --format right\?/],
  ])('%s', async (_name, args, code, message) => {
    const result = await tollgate(store, args());
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/\n\s+at /);
  }, 120_000);
});
