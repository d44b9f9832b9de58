import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { ledgerRecord, seededRandom } from '../support/ledger-records.ts';

const HOUR = 3_600_000;
const BASE = Date.parse('2026-10-20T00:00:00Z');

/** GET /api/cost/report and the paged /api/ledger against a real gateway and its SQLite ledger. */
describe('cost report and request log API', () => {
  let h: Harness;
  const records: LedgerRecord[] = [];

  beforeAll(async () => {
    h = await startHarness();
    const random = seededRandom(5);
    const projects = ['web', 'api', '=HYPERLINK("http://x","y")'];
    for (let index = 0; index < 2_400; index += 1) {
      records.push(
        ledgerRecord({
          id: `row-${String(index).padStart(5, '0')}`,
          // Ten days, several rows per millisecond-identical time so paging must break ties by id.
          timeMs: BASE + Math.floor(index / 3) * Math.floor((10 * 24 * HOUR) / 800),
          orgId: 'demo',
          projectId: projects[index % 3]!,
          userId: `user-${Math.floor(random() * 30)}`,
          servedModel: index % 4 ? 'gpt-4o-mini' : 'gpt-4o',
          costNanoUsd: 1_000_000 + Math.floor(random() * 50_000_000),
          tags: index % 5 === 0 ? ['batch'] : [],
          cacheStatus: index % 6 === 0 ? 'hit' : 'miss',
          savedNanoUsd: index % 6 === 0 ? 7_000 : 0,
        }),
      );
    }
    await h.server.gateway.runtime.ledger.append(records);
  });
  afterAll(() => h.close());

  const get = (path: string) => h.admin(path);
  const sum = (rows: LedgerRecord[]) => rows.reduce((total, r) => total + BigInt(r.costNanoUsd), 0n);
  const range = `from=${new Date(BASE).toISOString()}&to=${new Date(BASE + 10 * 24 * HOUR).toISOString()}`;

  it('reports by project x day with totals exact to the nano-dollar, and a real proxied call shows up', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { text: 'hello', usage: { input: 1_000, output: 100 } }));
    const response = await get(`/api/cost/report?by=project,day&${range}`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { dimensions: string[]; rows: Array<{ keys: Record<string, string>; costNanoUsd: number; requests: number }>; totals: { costNanoUsd: number; requests: number } };
    expect(report.dimensions).toEqual(['project', 'day']);
    expect(BigInt(report.totals.costNanoUsd)).toBe(sum(records));
    expect(report.totals.requests).toBe(records.length);
    expect(report.rows).toHaveLength(3 * 10);
    const web = records.filter((r) => r.projectId === 'web' && new Date(r.timeMs).toISOString().startsWith('2026-10-21'));
    expect(BigInt(report.rows.find((r) => r.keys.project === 'web' && r.keys.day === '2026-10-21')!.costNanoUsd)).toBe(sum(web));
    // The live call (now, outside the range above) is in a report over the last day.
    const live = (await (await get('/api/cost/report?by=project&from=1d')).json()) as { rows: Array<{ keys: { project: string }; requests: number }> };
    expect(live.rows.find((r) => r.keys.project === 'demo')?.requests).toBe(1);
  });

  it('top users, tag filter, cache savings and a local-time weekly bucket', async () => {
    const top = (await (await get(`/api/cost/report?by=user&top=3&${range}`)).json()) as { rows: unknown[]; others: { groups: number; costNanoUsd: number } };
    expect(top.rows).toHaveLength(3);
    expect(top.others.groups).toBeGreaterThan(0);
    const tagged = (await (await get(`/api/cost/report?by=tag&tag=batch&${range}`)).json()) as { totals: { costNanoUsd: number; savedNanoUsd: number } };
    expect(BigInt(tagged.totals.costNanoUsd)).toBe(sum(records.filter((r) => r.tags.includes('batch'))));
    const weekly = (await (await get(`/api/cost/report?by=week&tz=Europe/Paris&${range}`)).json()) as { rows: Array<{ keys: { week: string } }>; savings: { cacheNanoUsd: number } };
    expect(weekly.rows.map((r) => r.keys.week)).toEqual(['2026-10-19', '2026-10-26']);
    expect(weekly.savings.cacheNanoUsd).toBe(records.filter((r) => r.cacheStatus === 'hit').length * 7_000);
  });

  it('CSV: a formula-looking project name is written with a leading apostrophe', async () => {
    const response = await get(`/api/cost/report?by=project&format=csv&${range}`);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^project,requests,/);
    expect(lines.some((line) => line.startsWith(`"'=HYPERLINK(""http://x"",""y"")",800,`))).toBe(true);
    expect(lines.some((line) => line.startsWith('='))).toBe(false);
  });

  it('the request log pages through every row exactly once with an opaque cursor; `limit` alone works as before', async () => {
    const seen: string[] = [];
    let path = `/api/ledger?limit=700&${range}`;
    let pages = 0;
    for (;;) {
      const page = (await (await get(path)).json()) as { data: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...page.data.map((r) => r.id));
      pages += 1;
      if (!page.nextCursor) break;
      path = `/api/ledger?limit=700&${range}&cursor=${page.nextCursor}`;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(records.length);
    expect(new Set(seen)).toEqual(new Set(records.map((r) => r.id)));
    const newest = (await (await get(`/api/ledger?limit=5&${range}`)).json()) as { data: Array<{ id: string }> };
    expect(newest.data.map((r) => r.id)).toEqual(records.slice(-5).map((r) => r.id));
  });

  it.each([
    ['/api/cost/report?by=colour', /unknown dimension 'colour'/],
    ['/api/cost/report?tz=Mars/Olympus', /unknown time zone/],
    ['/api/cost/report?top=abc', /'top' must be a whole number/],
    ['/api/cost/report?from=yesterday', /'from' must be an ISO date/],
    ['/api/cost/report?format=xml', /'format' must be json, csv or table/],
    ['/api/cost/report?last=year', /'last' must be day, week or month/],
    ['/api/cost/report?__proto__=1', /unknown parameter/],
    [`/api/cost/report?project=${'x'.repeat(5_000)}`, /longer than 256/],
    ['/api/ledger?cursor=not-a-cursor!', /'cursor' is not a cursor/],
    [`/api/ledger?cursor=${Buffer.from('{"a":1}').toString('base64url')}`, /'cursor' is not a cursor/],
  ])('%s is a 400 with a message', async (path, message) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toMatch(message);
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});
