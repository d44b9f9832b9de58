import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LedgerDimension, LedgerRecord } from '../../src/ledger/record.ts';
import type { Storage } from '../../src/storage/open-storage.ts';
import { summarySource } from '../../src/storage/sql/ledger-columns.ts';
import { ledgerRecord, seededRandom } from '../support/ledger-records.ts';
import { skipUnless } from '../support/skip-unless.ts';

const HOUR = 3_600_000;
const BASE = Date.parse('2026-11-01T00:00:00Z');

/** Brute-force grouping over raw rows: the reference the stores' rollups must match. A row counts once per tag when grouped by tag. */
function bruteForce(records: LedgerRecord[], dimensions: LedgerDimension[], filter: (r: LedgerRecord) => boolean) {
  const groups = new Map<string, { requests: number; cost: bigint; input: number; output: number; errors: number; unpriced: number; latency: number }>();
  for (const r of records.filter(filter)) {
    const tags: Array<string | null> = dimensions.includes('tag') && r.tags.length ? [...new Set(r.tags)] : [null];
    for (const tag of tags) {
      const key = dimensions
        .map((d) => {
          const iso = new Date(r.timeMs).toISOString();
          const route = r.route ? (r.route.chosen ?? r.route.summary) : null;
          return {
            org: r.orgId, project: r.projectId, user: r.userId, key: r.keyId, model: r.servedModel ?? r.requestedModel, provider: r.provider,
            day: iso.slice(0, 10), hour: `${iso.slice(0, 13)}:00Z`, tag, route, cache: r.cacheStatus, origin: r.origin ?? 'gateway',
          }[d];
        })
        .join('|');
      const group = groups.get(key) ?? { requests: 0, cost: 0n, input: 0, output: 0, errors: 0, unpriced: 0, latency: 0 };
      group.requests += 1;
      group.cost += BigInt(r.costNanoUsd);
      group.input += r.inputTokens;
      group.output += r.outputTokens;
      group.latency += r.latencyMs;
      if (r.status >= 400) group.errors += 1;
      else if (!r.priced) group.unpriced += 1;
      groups.set(key, group);
    }
  }
  return groups;
}

/** One contract, run against every backend. */
export function runStorageContract(name: string, open: () => Promise<{ storage: Storage; cleanup(): Promise<void> }>, enabled = true, skipReason = ''): void {
  skipUnless(enabled, skipReason)(`${name} storage contract`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    const random = seededRandom(42);
    const records: LedgerRecord[] = [];

    beforeAll(async () => {
      ({ storage, cleanup } = await open());
      const projects = ['search', 'billing', 'agents'];
      const models = ['gpt-4o', 'claude-3-5-haiku', 'llama3'];
      for (let index = 0; index < 5_000; index += 1) {
        const failed = random() < 0.05;
        const priced = random() > 0.03;
        records.push(
          ledgerRecord({
            timeMs: BASE + Math.floor(random() * 72 * HOUR),
            projectId: projects[index % 3]!,
            userId: random() < 0.5 ? `user-${index % 7}` : null,
            keyId: random() < 0.5 ? `key_${index % 5}` : null,
            servedModel: random() < 0.1 ? null : models[index % 3]!,
            requestedModel: models[(index + 1) % 3]!,
            provider: random() < 0.05 ? null : 'p1',
            inputTokens: Math.floor(random() * 200_000),
            outputTokens: Math.floor(random() * 8_000),
            // Large costs: the totals pass 2^32 nano-dollars many times over.
            costNanoUsd: failed || !priced ? 0 : Math.floor(random() * 5_000_000_000),
            priced: !failed && priced,
            status: failed ? 502 : 200,
            errorCode: failed ? 'upstream_error' : null,
            tags: index % 11 === 0 ? ['batch', 'nightly'] : index % 7 === 0 ? ['nightly'] : [],
            cacheStatus: [null, 'hit', 'miss', 'semantic-hit', 'bypass'][index % 5]!,
            // Some decisions name only a summary (as migrated old rows do), others the target that served.
            route: index % 4 === 0 ? null : index % 4 === 1 ? { summary: 'cheap' } : { summary: 'cheapest', chosen: index % 3 ? 'fast' : 'cheap', reason: 'rule' },
            latencyMs: Math.floor(random() * 3_000),
            units: index % 13 === 0 ? { web_searches: 2 } : {},
          }),
        );
      }
      for (let index = 0; index < records.length; index += 500) await storage.ledger.append(records.slice(index, index + 500));
    }, 120_000);
    afterAll(async () => {
      await storage?.close();
      await cleanup?.();
    });

    it('lists and counts what was appended, with every field intact', async () => {
      expect(await storage.ledger.count()).toBe(records.length);
      const newest = [...records].sort((a, b) => a.timeMs - b.timeMs).at(-1)!;
      const listed = await storage.ledger.list({}, 3);
      expect(listed).toHaveLength(3);
      expect(listed.at(-1)?.timeMs).toBe(newest.timeMs);
      const one = records[11]!;
      const [found] = await storage.ledger.list({ fromMs: one.timeMs, toMs: one.timeMs + 1, projectId: one.projectId }, 10_000).then((rows) => rows.filter((r) => r.id === one.id));
      expect(found).toEqual(one);
    });

    it('re-appending the same rows changes nothing, in the raw table or the rollups', async () => {
      const before = await storage.ledger.summarize(['project']);
      await storage.ledger.append(records.slice(0, 700));
      expect(await storage.ledger.count()).toBe(records.length);
      expect(await storage.ledger.summarize(['project'])).toEqual(before);
    });

    const groupings: LedgerDimension[][] = [
      ['project'], ['model'], ['day'], ['hour', 'provider'], ['user', 'key'], ['org', 'project', 'model', 'day'], [],
      ['route', 'cache'], ['origin', 'project'], ['tag'], ['tag', 'project', 'day'], ['tag', 'user'],
    ];
    for (const dimensions of groupings) {
      it(`summarize by [${dimensions.join(',')}]: daily, hourly and tag rollups equal a raw GROUP BY and a brute-force sum to the nano-dollar`, async () => {
        const expected = bruteForce(records, dimensions, () => true);
        const rows = await storage.ledger.summarize(dimensions);
        // fromMs: 1 is not hour-aligned, so this is the same GROUP BY over the raw rows.
        const raw = await storage.ledger.summarize(dimensions, { fromMs: 1 });
        // BASE - 1 hour is hour- but not day-aligned: the hourly rollup (no bound at all reads the daily one, or the tag rollup).
        const hourly = await storage.ledger.summarize(dimensions, { fromMs: BASE - HOUR });
        const byKey = (list: typeof rows) => new Map(list.map((row) => [JSON.stringify(row.keys), row]));
        expect(byKey(raw)).toEqual(byKey(rows));
        expect(byKey(hourly)).toEqual(byKey(rows));
        expect(rows).toHaveLength(expected.size);
        for (const row of rows) {
          const group = expected.get(dimensions.map((d) => row.keys[d]).join('|'));
          expect(group, JSON.stringify(row.keys)).toBeDefined();
          expect(BigInt(row.costNanoUsd)).toBe(group!.cost);
          expect(row.requests).toBe(group!.requests);
          expect(row.inputTokens).toBe(group!.input);
          expect(row.outputTokens).toBe(group!.output);
          expect(row.errors).toBe(group!.errors);
          expect(row.unpriced).toBe(group!.unpriced);
          expect(row.latencyMsTotal).toBe(group!.latency);
        }
      });
    }

    it('a tag filter is answered by the tag rollup exactly, and a replay adds nothing to it', async () => {
      const before = await storage.ledger.summarize(['tag', 'day'], { tag: 'nightly' });
      await storage.ledger.append(records.filter((r) => r.tags.length > 0).slice(0, 300));
      const after = await storage.ledger.summarize(['tag', 'day'], { tag: 'nightly' });
      expect(after).toEqual(before);
      const expected = bruteForce(records, ['day'], (r) => r.tags.includes('nightly'));
      expect(after.map((row) => [row.keys.day, row.requests, BigInt(row.costNanoUsd)]).sort()).toEqual(
        [...expected.entries()].map(([day, group]) => [day, group.requests, group.cost]).sort(),
      );
    });

    it('pages walk every row exactly once, newest page first, even while newer rows arrive', async () => {
      const seen: string[] = [];
      let cursor: Parameters<Storage['ledger']['page']>[2];
      let pages = 0;
      const extra = Array.from({ length: 50 }, (_, index) => ledgerRecord({ timeMs: BASE + 100 * HOUR + index, projectId: 'agents' }));
      do {
        const page = await storage.ledger.page({ projectId: 'agents' }, 97, cursor);
        expect(page.rows.length).toBeLessThanOrEqual(97);
        for (let index = 1; index < page.rows.length; index += 1) expect(page.rows[index]!.timeMs).toBeGreaterThanOrEqual(page.rows[index - 1]!.timeMs);
        seen.push(...page.rows.map((r) => r.id));
        cursor = page.next ?? undefined;
        pages += 1;
        // Rows written mid-walk are newer than every cursor: they never show up in (or shift) later pages.
        if (pages === 2) await storage.ledger.append(extra);
      } while (cursor);
      const expected = records.filter((r) => r.projectId === 'agents').map((r) => r.id);
      expect(seen).toHaveLength(expected.length);
      expect(new Set(seen)).toEqual(new Set(expected));
      expect(pages).toBe(Math.ceil(expected.length / 97));
      const newest = await storage.ledger.page({ projectId: 'agents' }, 10);
      expect(newest.rows.map((r) => r.id)).toEqual(extra.slice(-10).map((r) => r.id));
      // The later tests' reference is every appended row.
      records.push(...extra);
    });

    it('the rollup path (hour-aligned bounds) and the raw path (unaligned) agree', async () => {
      const from = BASE + 5 * HOUR;
      const to = BASE + 30 * HOUR;
      const aligned = await storage.ledger.summarize(['project', 'model'], { fromMs: from, toMs: to });
      const unaligned = await storage.ledger.summarize(['project', 'model'], { fromMs: from, toMs: to + 1 });
      const expected = bruteForce(records, ['project', 'model'], (r) => r.timeMs >= from && r.timeMs < to);
      const total = (rows: typeof aligned) => rows.reduce((sum, row) => sum + BigInt(row.costNanoUsd), 0n);
      const expectedTotal = [...expected.values()].reduce((sum, g) => sum + g.cost, 0n);
      expect(total(aligned)).toBe(expectedTotal);
      const extra = records.filter((r) => r.timeMs === to).reduce((sum, r) => sum + BigInt(r.costNanoUsd), 0n);
      expect(total(unaligned)).toBe(expectedTotal + extra);
    });

    it('a range of whole days between hour edges (days+hours: daily rollup inside, hourly at the edges) equals a brute-force sum', async () => {
      const ranges: Array<[number | undefined, number | undefined, string]> = [
        [BASE + 5 * HOUR, BASE + 53 * HOUR, 'days+hours'],
        [BASE + 5 * HOUR, undefined, 'days+hours'],
        [undefined, BASE + 50 * HOUR, 'days+hours'],
        [BASE + 24 * HOUR, BASE + 50 * HOUR, 'days+hours'],
        [BASE + 5 * HOUR, BASE + 20 * HOUR, 'rollup'],
        [BASE + 24 * HOUR, BASE + 48 * HOUR, 'daily'],
      ];
      const groupings: LedgerDimension[][] = [[], ['day', 'provider'], ['project', 'model'], ['cache'], ['model', 'provider', 'day'], ['user', 'key', 'day']];
      for (const [fromMs, toMs, source] of ranges) {
        for (const dimensions of groupings) {
          const filter = { fromMs, toMs };
          expect(summarySource(dimensions, filter)).toBe(source);
          const rows = await storage.ledger.summarize(dimensions, filter);
          const expected = bruteForce(records, dimensions, (r) => (fromMs === undefined || r.timeMs >= fromMs) && (toMs === undefined || r.timeMs < toMs));
          const label = `${JSON.stringify(filter)} by [${dimensions.join(',')}]`;
          expect(rows, label).toHaveLength(expected.size);
          for (const row of rows) {
            const group = expected.get(dimensions.map((d) => row.keys[d]).join('|'));
            expect(group, `${label} ${JSON.stringify(row.keys)}`).toBeDefined();
            expect(BigInt(row.costNanoUsd), label).toBe(group!.cost);
            expect(row.requests, label).toBe(group!.requests);
            expect(row.inputTokens, label).toBe(group!.input);
            expect(row.outputTokens, label).toBe(group!.output);
            expect(row.errors, label).toBe(group!.errors);
            expect(row.unpriced, label).toBe(group!.unpriced);
            expect(row.latencyMsTotal, label).toBe(group!.latency);
          }
        }
      }
    });

    it('filters by project, user, model and provider', async () => {
      const rows = await storage.ledger.summarize(['project'], { projectId: 'billing', model: 'gpt-4o' });
      const expected = bruteForce(records, ['project'], (r) => r.projectId === 'billing' && (r.requestedModel === 'gpt-4o' || r.servedModel === 'gpt-4o'));
      expect(rows).toHaveLength(expected.size);
      expect(BigInt(rows[0]?.costNanoUsd ?? 0)).toBe([...expected.values()][0]?.cost ?? 0n);
      expect(await storage.ledger.count({ userId: 'user-3' })).toBe(records.filter((r) => r.userId === 'user-3').length);
      expect(await storage.ledger.count({ tag: 'nightly' })).toBe(records.filter((r) => r.tags.includes('nightly')).length);
      const tagged = await storage.ledger.summarize([], { tag: 'batch', fromMs: BASE, toMs: BASE + 24 * HOUR });
      const expectedTagged = records.filter((r) => r.tags.includes('batch') && r.timeMs < BASE + 24 * HOUR).reduce((sum, r) => sum + BigInt(r.costNanoUsd), 0n);
      expect(BigInt(tagged[0]?.costNanoUsd ?? 0)).toBe(expectedTagged);
    });

    it('rollup-path filters (user, key, provider, org, aligned bounds) match the raw path and a brute-force sum', async () => {
      const from = BASE + 2 * HOUR;
      const to = BASE + 50 * HOUR;
      const cases: Array<{ filter: Parameters<Storage['ledger']['summarize']>[1]; match: (r: LedgerRecord) => boolean }> = [
        { filter: { userId: 'user-3' }, match: (r) => r.userId === 'user-3' },
        { filter: { keyId: 'key_2', provider: 'p1' }, match: (r) => r.keyId === 'key_2' && r.provider === 'p1' },
        { filter: { orgId: 'acme', projectId: 'agents', fromMs: from, toMs: to }, match: (r) => r.projectId === 'agents' && r.timeMs >= from && r.timeMs < to },
        { filter: { orgId: 'nobody' }, match: () => false },
      ];
      for (const { filter, match } of cases) {
        const expected = bruteForce(records, ['day', 'model'], match);
        const rollup = await storage.ledger.summarize(['day', 'model'], filter);
        // fromMs: 1 is not hour-aligned, so this reads the raw table; no row is that old.
        const raw = await storage.ledger.summarize(['day', 'model'], { ...filter, fromMs: filter?.fromMs ?? 1, toMs: filter?.toMs });
        const byKey = (rows: typeof rollup) => new Map(rows.map((row) => [`${row.keys.day}|${row.keys.model}`, row]));
        expect(byKey(raw)).toEqual(byKey(rollup));
        expect(rollup).toHaveLength(expected.size);
        for (const row of rollup) {
          const group = expected.get(`${row.keys.day}|${row.keys.model}`)!;
          expect([row.requests, BigInt(row.costNanoUsd), row.errors]).toEqual([group.requests, group.cost, group.errors]);
        }
      }
    });

    it('servedOnly and excludeProviders leave the right rows out; list returns the newest `limit` rows oldest first', async () => {
      const served = await storage.ledger.summarize([], { servedOnly: true, excludeProviders: ['p1'] });
      const expected = records.filter((r) => r.status < 400 && r.provider !== 'p1');
      expect(served[0]?.requests).toBe(expected.length);
      expect(BigInt(served[0]?.costNanoUsd ?? 0)).toBe(expected.reduce((sum, r) => sum + BigInt(r.costNanoUsd), 0n));
      const newest = [...records].sort((a, b) => a.timeMs - b.timeMs).slice(-25).map((r) => r.timeMs);
      expect((await storage.ledger.list({}, 25)).map((r) => r.timeMs)).toEqual(newest);
      const billing = records.filter((r) => r.projectId === 'billing').sort((a, b) => a.timeMs - b.timeMs);
      expect((await storage.ledger.list({ projectId: 'billing' }, 10)).map((r) => r.timeMs)).toEqual(billing.slice(-10).map((r) => r.timeMs));
      expect(await storage.ledger.list({ projectId: 'billing' })).toHaveLength(1_000);
    });

    it('keys: the secret is shown once, stored only as a hash, found, listed and revoked; seeding is idempotent', async () => {
      const created = await storage.keys.create({ name: 'k1', orgId: 'acme', projectId: 'search', tags: ['a'] });
      expect(created.secret).toMatch(/^tg-[A-Za-z0-9]{40}$/);
      expect((await storage.keys.findBySecret(created.secret))?.id).toBe(created.key.id);
      expect(await storage.keys.findBySecret('tg-unknown')).toBeUndefined();
      const seeded = await storage.keys.create({ name: 'seed', orgId: 'acme', projectId: 'search', secret: 'tg-seeded-0123456789abcdef' });
      const again = await storage.keys.create({ name: 'seed', orgId: 'acme', projectId: 'search', secret: 'tg-seeded-0123456789abcdef' });
      expect(again.key.id).toBe(seeded.key.id);
      const list = await storage.keys.list();
      expect(list.filter((k) => k.name === 'seed')).toHaveLength(1);
      expect(JSON.stringify(list)).not.toContain(created.secret);
      expect(await storage.keys.revoke(created.key.id, 1_000)).toBe(true);
      expect(await storage.keys.revoke(created.key.id, 2_000)).toBe(false);
      expect((await storage.keys.findBySecret(created.secret))?.revokedAtMs).toBe(1_000);
    });

    it('keys: revokedAmong names exactly the revoked keys among the ids asked about', async () => {
      const live = await storage.keys.create({ name: 'live', orgId: 'acme', projectId: 'search', secret: 'tg-revoked-among-live-0000' });
      const gone = await storage.keys.create({ name: 'gone', orgId: 'acme', projectId: 'search', secret: 'tg-revoked-among-gone-0000' });
      expect(await storage.keys.revokedAmong([live.key.id, gone.key.id])).toEqual([]);
      await storage.keys.revoke(gone.key.id, 5);
      expect(await storage.keys.revokedAmong([live.key.id, gone.key.id, 'key_missing', "' OR 1=1 --"])).toEqual([gone.key.id]);
      expect(await storage.keys.revokedAmong([])).toEqual([]);
    });

    it('semantic cache entries round-trip (vector bytes, answer), load newest live ones, and purge the expired', async () => {
      const vector = Float32Array.from([0.5, -0.25, 0.125, 1e-7]);
      const answer = { body: '{"ok":true}', wire: 'openai' as const, servedModel: 'm', provider: 'p', costNanoUsd: 123, inputTokens: 4, outputTokens: 5, createdAtMs: 1 };
      const entry = (id: string, createdAtMs: number, expiresAtMs: number) => ({ id, namespace: 'org:a|ctx', embedderId: 'e1', text: `prompt ${id}`, vector, answer, createdAtMs, expiresAtMs });
      await storage.semanticCache.insert(entry('s1', 10, 1_000));
      await storage.semanticCache.insert(entry('s2', 20, 50));
      await storage.semanticCache.insert(entry('s3', 30, 1_000));
      const live = await storage.semanticCache.loadLive(100, 10);
      expect(live.map((e) => e.id)).toEqual(['s1', 's3']);
      expect(Array.from(live[0]!.vector)).toEqual(Array.from(vector));
      expect(live[0]).toMatchObject({ namespace: 'org:a|ctx', embedderId: 'e1', text: 'prompt s1', answer });
      expect((await storage.semanticCache.loadLive(100, 1)).map((e) => e.id)).toEqual(['s3']);
      expect(await storage.semanticCache.purgeExpired(100)).toBe(1);
      await storage.semanticCache.delete(['s1']);
      expect((await storage.semanticCache.loadLive(0, 10)).map((e) => e.id)).toEqual(['s3']);
      // Persistence turned off: everything goes.
      expect(await storage.semanticCache.clear()).toBe(1);
      expect(await storage.semanticCache.loadLive(0, 10)).toEqual([]);
    });

    it('feedback: verdicts are counted per request', async () => {
      const verdict = (id: string) => ({ id, requestId: 'req-counted', timeMs: 1, score: 0, comment: null, target: null, cacheStatus: 'hit', prompt: null });
      expect(await storage.feedback.countForRequest('req-counted')).toBe(0);
      await storage.feedback.insert(verdict('f1'));
      await storage.feedback.insert(verdict('f2'));
      expect(await storage.feedback.countForRequest('req-counted')).toBe(2);
      expect(await storage.feedback.countForRequest('req-other')).toBe(0);
    });

    // Last: it adds rows of its own org, outside the data set the tests above compare against.
    it('a total past 2^53 nano-dollars is an error, never a silently rounded number', async () => {
      const whale = Array.from({ length: 3 }, (_, index) =>
        ledgerRecord({ orgId: 'whale', timeMs: BASE + index, costNanoUsd: 4_000_000_000_000_001 + index }),
      );
      await storage.ledger.append(whale);
      const [one] = await storage.ledger.summarize(['org'], { orgId: 'whale', toMs: BASE + 2 });
      expect(one?.costNanoUsd).toBe(8_000_000_000_000_003);
      await expect(storage.ledger.summarize(['org'], { orgId: 'whale' })).rejects.toThrow();
      await expect(storage.ledger.summarize(['org'], { orgId: 'whale', fromMs: 1 })).rejects.toThrow();
    });
  });
}
