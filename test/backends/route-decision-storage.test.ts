import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ROUTE_ENTRIES, type RouteDecision } from '../../src/domain/route-decision.ts';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { POSTGRES_MIGRATIONS } from '../../src/storage/postgres/migrations.ts';
import { LEDGER_COLUMNS, recordValues } from '../../src/storage/sql/ledger-columns.ts';
import { SQLITE_MIGRATIONS } from '../../src/storage/sqlite/migrations.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { ledgerRecord } from '../support/ledger-records.ts';
import { skipUnless } from '../support/skip-unless.ts';

const FULL: RouteDecision = {
  summary: 'cheapest:mini (3 considered, removed big=context) +fallback:gpt-4o@openai',
  chosen: 'gpt-4o@openai',
  route: 'thrifty',
  strategy: 'cheapest',
  reason: 'mini is the cheapest for this request (2 eligible of 3)',
  fallbacks: 1,
  tried: [{ target: 'gpt-4o-mini@flaky', outcome: 'upstream_unavailable' }],
  skipped: [{ target: 'big@openai', why: 'context' }],
  learned: { score: 0.712, threshold: 0.5 },
  experiment: { name: 'summariser', arm: 'candidate' },
  overflow: 'gpt-4o@openai',
};

// Rows an older version wrote: the route was a string the reports parsed.
const LEGACY: Array<[string, RouteDecision]> = [
  ['cheapest:mini (2 considered)', { summary: 'cheapest:mini (2 considered)' }],
  ['cheapest:mini (2 considered) +fallback:a@p +fallback:b@p', { summary: 'cheapest:mini (2 considered) +fallback:a@p +fallback:b@p', fallbacks: 2 }],
  ['fallback:gpt-4o-mini@backup', { summary: 'fallback:gpt-4o-mini@backup', fallbacks: 1 }],
  ['experiment:claude:shadow', { summary: 'experiment:claude:shadow', experiment: { name: 'claude', arm: 'shadow' } }],
  ['experiment:a:b:control +fallback:x@p', { summary: 'experiment:a:b:control +fallback:x@p', fallbacks: 1, experiment: { name: 'a:b', arm: 'control' } }],
  ['learned:weak fallback-rule=length (2 considered)', { summary: 'learned:weak fallback-rule=length (2 considered)' }],
];

/** Round trip and bounds, against a store opened by `open`. */
function roundTrip(open: () => Promise<{ storage: Storage; cleanup(): Promise<void> }>): void {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ storage, cleanup } = await open()));
  afterAll(async () => {
    await storage?.close();
    await cleanup?.();
  });
  const byId = async (id: string) => (await storage.ledger.list({ id }, 10)).at(0);

  it('a full decision comes back as the same object; no decision comes back as null', async () => {
    const routed = ledgerRecord({ route: FULL });
    const plain = ledgerRecord({ route: null });
    await storage.ledger.append([routed, plain]);
    expect(await byId(routed.id)).toEqual(routed);
    expect((await byId(plain.id))?.route).toBeNull();
  });

  it('a huge decision is stored bounded: 16 skipped entries and a count of the rest, strings cut', async () => {
    const skipped = Array.from({ length: 300 }, (_, index) => ({ target: `model-${index}@p`, why: 'breaker' }));
    const record = ledgerRecord({ route: { summary: 's'.repeat(50_000), chosen: 'c'.repeat(10_000), skipped, tried: skipped.map((s) => ({ target: s.target, outcome: 'x' })) } });
    await storage.ledger.append([record]);
    const route = (await byId(record.id))?.route;
    expect(route?.skipped).toHaveLength(MAX_ROUTE_ENTRIES);
    expect(route?.skipped?.[0]).toEqual({ target: 'model-0@p', why: 'breaker' });
    expect(route?.skippedMore).toBe(300 - MAX_ROUTE_ENTRIES);
    expect(route?.tried).toHaveLength(MAX_ROUTE_ENTRIES);
    expect(route?.summary).toHaveLength(1_024);
    expect(route?.chosen).toHaveLength(200);
  });

  it('a record replayed from an older spill file, with a route string, is stored as a decision with that summary', async () => {
    const record = ledgerRecord({ route: 'cheapest:mini (2 considered)' as unknown as RouteDecision });
    await storage.ledger.append([record]);
    expect((await byId(record.id))?.route).toEqual({ summary: 'cheapest:mini (2 considered)' });
  });
}

/** The ledger columns and values as they were before the route_decision column. */
function legacyInsert(record: LedgerRecord, booleans: (value: boolean) => number | boolean, placeholder: (index: number) => string) {
  // The columns a ledger had before the route-decision migration (later migrations add more).
  const kept = LEDGER_COLUMNS.map((column, index) => [column, index] as const).filter(([column]) => !['route_decision', 'origin', 'request_count'].includes(column));
  const columns = kept.map(([column]) => column);
  const all = recordValues(record, booleans);
  const values = kept.map(([, index]) => all[index]);
  return { sql: `INSERT INTO ledger (${columns.join(', ')}) VALUES (${columns.map((_, index) => placeholder(index + 1)).join(', ')})`, values };
}

const routeMigration = (migrations: readonly string[]) => migrations.findIndex((sql) => sql.includes('ADD COLUMN route_decision'));

describe('SQLite route decisions', () => {
  describe('round trip', () => {
    roundTrip(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-route-'));
      return { storage: await openStorage({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    });
  });

  it('the migration turns old route strings into decisions: summary, fallbacks and experiment arm', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-route-'));
    try {
      const db = new Database(path.join(dir, 'tollgate.db'));
      const before = routeMigration(SQLITE_MIGRATIONS);
      expect(before).toBeGreaterThan(0);
      db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      for (let index = 0; index < before; index += 1) db.exec(SQLITE_MIGRATIONS[index]!);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(before);
      const records = [...LEGACY.map(([summary]) => ledgerRecord({ route: { summary } })), ledgerRecord({ route: null })];
      for (const record of records) {
        const { sql, values } = legacyInsert(record, (value) => (value ? 1 : 0), () => '?');
        db.prepare(sql).run(...values);
      }
      db.close();
      const storage = await openStorage({ dataDir: dir });
      try {
        const rows = await storage.ledger.list({}, 100);
        const routeOf = (id: string) => rows.find((row) => row.id === id)?.route;
        LEGACY.forEach(([, expected], index) => expect(routeOf(records[index]!.id)).toEqual(expected));
        expect(routeOf(records.at(-1)!.id)).toBeNull();
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

skipUnless(testDatabaseUrl !== undefined, NO_TEST_DATABASE)('PostgreSQL route decisions', () => {
  describe('round trip', () => {
    roundTrip(async () => {
      const database = await freshDatabase(testDatabaseUrl!);
      return { storage: await openStorage({ dataDir: '/nonexistent', databaseUrl: database.url }), cleanup: () => database.drop() };
    });
  });

  it('the migration turns old route strings into decisions: summary, fallbacks and experiment arm', async () => {
    const database = await freshDatabase(testDatabaseUrl!);
    try {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const records = [...LEGACY.map(([summary]) => ledgerRecord({ route: { summary } })), ledgerRecord({ route: null })];
      try {
        const before = routeMigration(POSTGRES_MIGRATIONS);
        expect(before).toBeGreaterThan(0);
        await client.query('CREATE TABLE schema_version (version INTEGER NOT NULL)');
        for (let index = 0; index < before; index += 1) await client.query(POSTGRES_MIGRATIONS[index]!);
        await client.query('INSERT INTO schema_version (version) VALUES ($1)', [before]);
        for (const record of records) {
          const { sql, values } = legacyInsert(record, (value) => value, (index) => `$${index}`);
          await client.query(sql, values);
        }
      } finally {
        await client.end();
      }
      const storage = await openStorage({ dataDir: '/nonexistent', databaseUrl: database.url });
      try {
        const rows = await storage.ledger.list({}, 100);
        const routeOf = (id: string) => rows.find((row) => row.id === id)?.route;
        LEGACY.forEach(([, expected], index) => expect(routeOf(records[index]!.id)).toEqual(expected));
        expect(routeOf(records.at(-1)!.id)).toBeNull();
      } finally {
        await storage.close();
      }
    } finally {
      await database.drop();
    }
  });
});
