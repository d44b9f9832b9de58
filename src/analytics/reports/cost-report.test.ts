import { describe, expect, it } from 'vitest';
import type { SpendRow } from '../../ledger/store.ts';
import { buildCostReport, costReportCsv, costReportTable } from './cost-report.ts';
import { parseCostReportQuery } from './cost-report-query.ts';

const now = Date.parse('2026-11-18T10:20:00Z');

function row(keys: Record<string, string | null>, cost: number, extra: Partial<SpendRow> = {}): SpendRow {
  return {
    keys, requests: 2, inputTokens: 1_000, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 500, reasoningTokens: 0, costNanoUsd: cost,
    savedNanoUsd: 0, errors: 0, unpriced: 0, estimated: 0, latencyMsTotal: 300, ...extra,
  };
}

describe('cost report query', () => {
  it('reads dimensions, a bucket, filters and options', () => {
    const request = parseCostReportQuery({ by: 'project,day', tz: 'Europe/Paris', last: 'week', model: 'gpt-4o', tag: 'batch', top: '5', format: 'csv' }, now);
    expect(request.order).toEqual(['project', 'day']);
    expect(request.dimensions).toEqual(['project']);
    expect(request.bucket).toBe('day');
    expect(request.filter).toEqual({ reportedModel: 'gpt-4o', tag: 'batch' });
    expect([request.top, request.format, request.tz]).toEqual([5, 'csv', 'Europe/Paris']);
    expect(parseCostReportQuery({ by: 'user', bucket: 'month' }, now).order).toEqual(['user', 'month']);
  });

  it.each([
    [{ by: 'project,colour' }, /unknown dimension 'colour'/],
    [{ by: 'day,week' }, /one time bucket/],
    [{ by: 'project,project' }, /repeated/],
    [{ by: 'day', bucket: 'week' }, /contradicts/],
    [{ bucket: 'fortnight' }, /'bucket' must be one of/],
    [{ top: '0' }, /'top' must be a whole number/],
    [{ top: '1e3' }, /'top' must be a whole number/],
    [{ format: 'xml' }, /'format' must be json, csv or table/],
    [{ tz: 'Nowhere/Town' }, /unknown time zone/],
    [{ peak: '18-9' }, /'peak' must be local hours/],
    [{ __proto__x: '1' }, /unknown parameter '__proto__x'/],
    [{ project: 'x'.repeat(10_000) }, /longer than 256/],
    [{ bucket: 'hour', from: '2024-01-01' }, /hourly buckets cover at most 400 days/],
  ])('bad query %# is refused with a message', (query, message) => {
    expect(() => parseCostReportQuery(query as Record<string, string>, now)).toThrow(message);
  });
});

describe('cost report builder', () => {
  it('gives the same report whatever order the store returns its rows in (ties ordered by the group)', () => {
    const request = parseCostReportQuery({ by: 'key,day', top: '3', from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' }, now);
    // Equal cost and requests: only the key tells them apart (PostgreSQL's hash aggregation returns them in any order).
    const rows = ['k-5', 'k-1', 'k-9', 'k-3'].map((key) => row({ key, hour: '2026-11-02T06:00Z' }, 0, { requests: 1 }));
    const forward = buildCostReport(request, { rows, timeDimension: 'hour', hourly: [], previous: [] });
    const backward = buildCostReport(request, { rows: [...rows].reverse(), timeDimension: 'hour', hourly: [], previous: [] });
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    expect(forward.rows.map((r) => r.keys.key)).toEqual(['k-1', 'k-3', 'k-5']);
    expect(forward.others?.groups).toBe(1);
  });

  it('re-buckets UTC hours into local days, with shares, unit costs and totals that add up exactly', () => {
    const request = parseCostReportQuery({ by: 'project,day', tz: 'America/New_York', from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' }, now);
    const rows = [
      // 03:00 UTC on Nov 2 is still Nov 1 in New York; 06:00 UTC is Nov 2.
      row({ project: 'web', hour: '2026-11-02T03:00Z' }, 1_000_000_001),
      row({ project: 'web', hour: '2026-11-02T06:00Z' }, 3_000_000_000),
      row({ project: 'api', hour: '2026-11-02T07:00Z' }, 999_999_999, { unpriced: 1 }),
    ];
    const report = buildCostReport(request, { rows, timeDimension: 'hour', hourly: [], previous: [] });
    expect(report.rows.map((r) => [r.keys.project, r.keys.day, r.costNanoUsd])).toEqual([
      ['web', '2026-11-01', 1_000_000_001],
      ['web', '2026-11-02', 3_000_000_000],
      ['api', '2026-11-02', 999_999_999],
    ]);
    expect(report.totals.costNanoUsd).toBe(5_000_000_000);
    expect(report.totals.costUsd).toBe('5');
    expect(report.rows[1]!.sharePercent).toBe(60);
    expect(report.rows[1]!.costPerRequestNanoUsd).toBe(1_500_000_000);
    expect(report.rows[1]!.costPer1kTokensUsd).toBe('2');
    expect(report.rows[1]!.meanLatencyMs).toBe(150);
    expect(report.unpriced.requests).toBe(1);
    expect(report.unpriced.message).toMatch(/no price/);
  });

  it('keeps the top N groups and sums the rest; compares with the previous period', () => {
    const request = parseCostReportQuery({ by: 'user', top: '2', from: '7d' }, now);
    const rows = [row({ user: 'a' }, 500), row({ user: 'b' }, 300), row({ user: 'c' }, 200), row({ user: 'd' }, 100)];
    const previous = [row({ user: 'a' }, 250), row({ user: 'c' }, 400)];
    const report = buildCostReport(request, { rows, timeDimension: null, hourly: [], previous });
    expect(report.rows.map((r) => [r.keys.user, r.changePercent])).toEqual([['a', 100], ['b', null]]);
    expect(report.others).toMatchObject({ groups: 2, costNanoUsd: 300, requests: 4 });
    expect(report.totals.costNanoUsd).toBe(1_100);
    expect(report.previous.costNanoUsd).toBe(650);
    expect(report.previous.changePercent).toBeCloseTo(69.2308, 3);
  });

  it('splits peak (weekday working hours, local) from off-peak', () => {
    const request = parseCostReportQuery({ by: 'project', tz: 'Europe/Paris', peak: '9-18' }, now);
    const hourly = [
      row({ hour: '2026-11-16T08:00Z' }, 10), // Monday 09:00 Paris: peak
      row({ hour: '2026-11-16T07:00Z' }, 20), // Monday 08:00 Paris: off-peak
      row({ hour: '2026-11-15T10:00Z' }, 40), // Sunday: off-peak
    ];
    const report = buildCostReport(request, { rows: [], timeDimension: null, hourly, previous: [] });
    expect(report.peak?.peak.costNanoUsd).toBe(10);
    expect(report.peak?.offPeak.costNanoUsd).toBe(60);
    expect(buildCostReport(parseCostReportQuery({ by: "project" }, now), { rows: [], timeDimension: null, hourly, previous: [] }).peak).toBeNull();
  });

  it('writes CSV with formula-looking names defused and a table with the totals', () => {
    const request = parseCostReportQuery({ by: 'project' }, now);
    const report = buildCostReport(request, { rows: [row({ project: '=cmd|calc' }, 1_500_000_000), row({ project: 'a,b' }, 1)], timeDimension: null, hourly: [], previous: [] });
    const csv = costReportCsv(report).split('\r\n');
    expect(csv[0]).toMatch(/^project,requests,input_tokens,/);
    expect(csv[1]).toMatch(/^'=cmd\|calc,2,1000,0,0,500,0,1\.5,1500000000,/);
    expect(csv[2]).toMatch(/^"a,b",2,/);
    expect(costReportTable(report)).toMatch(/total: 4 requests.*\$1\.500000001/);
  });
});
