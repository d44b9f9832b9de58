import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../ledger/record.ts';
import { loadBundledCatalogue } from '../../pricing/bundled-catalogue.ts';
import { createPriceBook } from '../../pricing/genai-price-book.ts';
import { parseColumnMap } from './column-map.ts';
import type { ImportFormatId } from './formats.ts';
import { ImportFormatError } from './import-row.ts';
import { importUsage, type BadRow } from './import-usage.ts';

const priceBook = createPriceBook({ catalogue: loadBundledCatalogue() });
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/import/${name}`, import.meta.url));

async function run(format: ImportFormatId, input: string | Buffer, extra: { map?: string; model?: string; chunk?: number } = {}) {
  const written: LedgerRecord[] = [];
  const bad: BadRow[] = [];
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const size = extra.chunk ?? 7;
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  const summary = await importUsage(chunks(), {
    format,
    columnMap: parseColumnMap(extra.map ?? ''),
    defaults: { orgId: 'acme', projectId: 'imported', model: extra.model, provider: undefined },
    priceBook,
    batchSize: 2,
    write: async (records) => void written.push(...records),
    onBadRow: (row) => void bad.push(row),
  });
  return { summary, written, bad };
}

describe('importing each format (real price book, real-shaped fixtures)', () => {
  it('OpenAI usage buckets: one row per result, priced (cache reads and batch discount), as many requests as the bucket says', async () => {
    const { written, summary } = await run('openai-usage-json', fixture('openai-usage-completions.json'));
    expect(written.map((r) => [r.projectId, r.keyId, r.servedModel, r.requests, r.costNanoUsd, r.priced])).toEqual([
      // 80k uncached x $0.15/M + 40k cached x $0.075/M + 30k out x $0.60/M
      ['proj_web', 'key_abc', 'gpt-4o-mini-2024-07-18', 400, 33_000_000, true],
      // batch: (50k x $2.50/M + 10k x $10/M) / 2
      ['proj_batch', 'key_def', 'gpt-4o-2024-08-06', 25, 112_500_000, true],
      ['proj_web', 'key_abc', 'gpt-4o-mini-2024-07-18', 30, 2_250_000, true],
    ]);
    expect(written.every((r) => r.origin === 'import:openai-usage-json' && r.orgId === 'acme' && r.id.startsWith('imp_'))).toBe(true);
    expect(summary).toMatchObject({ rowsRead: 3, rowsImported: 3, badRows: 0, requests: 455, costNanoUsd: 147_750_000 });
    expect(written[0]!.timeMs).toBe(Date.UTC(2025, 10, 24, 0));
  });

  it('OpenAI costs (API JSON and dashboard CSV): cost lines keep their exact amount and count no request', async () => {
    const json = await run('openai-usage-json', fixture('openai-costs.json'));
    expect(json.written.map((r) => [r.servedModel, r.costNanoUsd, r.requests, r.tags])).toEqual([
      ['gpt-4o-2024-08-06', 431_500_000, 0, ['line-item:gpt-4o-2024-08-06, input']],
      ['gpt-4o-2024-08-06', 61_000_000, 0, ['line-item:gpt-4o-2024-08-06, output']],
    ]);
    const csv = await run('openai-costs-csv', fixture('openai-costs.csv'));
    expect(csv.written.map((r) => [r.projectId, r.costNanoUsd, r.timeMs])).toEqual([
      ['proj_web', 431_500_000, Date.UTC(2025, 10, 24)],
      ['proj_web', 61_000_000, Date.UTC(2025, 10, 24)],
      ['proj_batch', 1_250_000_000, Date.UTC(2025, 10, 25)],
    ]);
  });

  it('Anthropic usage report: input includes cache reads and both cache-write TTLs, web searches priced, batch tier discounted', async () => {
    const { written } = await run('anthropic-usage-json', fixture('anthropic-usage-report.json'));
    expect(written.map((r) => [r.servedModel, r.inputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.units, r.costNanoUsd, r.wire])).toEqual([
      // $3/M x 150k + $3.75/M x 20k (5 min) + $6/M x 10k (1 h) + $0.30/M x 300k + $15/M x 40k + 12 searches x $0.01
      ['claude-sonnet-4-20250514', 480_000, 300_000, 30_000, { web_searches: 12 }, 1_395_000_000, 'anthropic'],
      ['claude-3-5-haiku-20241022', 8_000, 0, 0, {}, 7_200_000, 'anthropic'],
    ]);
  });

  it('LiteLLM spend logs (JSON and CSV): spend kept exactly, missing spend priced, failures kept as failed requests', async () => {
    const json = await run('litellm-json', fixture('litellm-spend-logs.json'));
    expect(json.written.map((r) => [r.servedModel, r.userId, r.projectId, r.costNanoUsd, r.cacheReadTokens, r.status, r.tags, r.latencyMs])).toEqual([
      ['gpt-4o-mini', 'alice', 'team-search', 311_250, 512, 200, ['search', 'prod'], 2333],
      ['claude-3-5-sonnet-20241022', 'bob', 'team-support', 19_200_000, 0, 200, [], 9000],
      ['gpt-4o', 'bob', 'team-support', 0, 0, 500, [], 500],
    ]);
    const csv = await run('litellm-csv', fixture('litellm-spend-logs.csv'));
    // The third line has no spend: 800 x $0.15/M + 100 x $0.60/M.
    expect(csv.written.map((r) => [r.costNanoUsd, r.cacheReadTokens, r.priced])).toEqual([[311_250, 512, true], [19_200_000, 0, true], [180_000, 0, true]]);
  });

  it('mapped CSV and JSON Lines: --map names the columns, --model fills a model the file lacks', async () => {
    const trace = await run('csv', fixture('mapped-trace.csv'), { map: 'ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens', model: 'gpt-4o-mini' });
    expect(trace.written.map((r) => [r.timeMs, r.inputTokens, r.outputTokens, r.costNanoUsd])).toEqual([
      [Date.parse('2023-11-16T18:15:46.680Z'), 374, 44, 374 * 150 + 44 * 600],
      [Date.parse('2023-11-16T18:15:50.995Z'), 396, 109, 396 * 150 + 109 * 600],
      [Date.parse('2023-11-16T18:15:51.946Z'), 879, 46, 879 * 150 + 46 * 600],
      [Date.parse('2023-11-16T18:15:53.224Z'), 91, 30, 91 * 150 + 30 * 600],
    ]);
    const lines = await run('jsonl', fixture('mapped-requests.jsonl'), { map: 'ts=created_at,input=usage.prompt_tokens,output=usage.completion_tokens,project=team,cost=cost_usd' });
    expect(lines.written.map((r) => [r.projectId, r.servedModel, r.costNanoUsd])).toEqual([
      ['web', 'gpt-4o-mini', 1200 * 150 + 300 * 600],
      ['api', 'gpt-4o', 3_100_000],
      ['web', 'gpt-4o-mini', 50 * 150 + 20 * 600],
    ]);
  });

  it('gives the same ids on a second read (idempotent natural keys) and different ids to different rows', async () => {
    const first = await run('openai-usage-json', fixture('openai-usage-completions.json'), { chunk: 3 });
    const second = await run('openai-usage-json', fixture('openai-usage-completions.json'), { chunk: 4096 });
    expect(second.written.map((r) => r.id)).toEqual(first.written.map((r) => r.id));
    expect(new Set(first.written.map((r) => r.id)).size).toBe(3);
  });

  it('prices an aggregate by its mean request, so a long-context tier is not applied to a bucket\'s total', async () => {
    // 10 requests of 150k input tokens: each under Sonnet 4's 200k tier, the total (1.5M) far over it.
    const bucket = { start_time: 1763942400, end_time: 1763946000, results: [{ object: 'organization.usage.completions.result', input_tokens: 1_500_000, output_tokens: 10_000, num_model_requests: 10, model: 'claude-sonnet-4-20250514', project_id: null, api_key_id: null }] };
    const { written } = await run('openai-usage-json', JSON.stringify({ data: [bucket] }));
    expect(written[0]!.costNanoUsd).toBe(1_500_000 * 3_000 + 10_000 * 15_000);
  });
});

describe('bad rows are reported with their line and skipped', () => {
  it('negative tokens, dates out of range, non-numbers, wrong field counts, __proto__ columns', async () => {
    const csv = [
      '__proto__,TIMESTAMP,ContextTokens,GeneratedTokens,constructor',
      'x,2023-11-16 18:15:46.68,374,44,y',
      'x,2023-11-16 18:15:47,-5,44,y',
      'x,1970-01-01 00:00:01,10,10,y',
      'x,2023-11-16 18:15:48,ten,10,y',
      'x,2023-11-16 18:15:49,10,10',
      'x,not a date,10,10,y',
      'x,2023-11-16 18:15:50,10,10,y',
    ].join('\n');
    const { written, bad, summary } = await run('csv', csv, { map: 'ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens', model: 'gpt-4o-mini' });
    expect(written).toHaveLength(2);
    expect(bad).toEqual([
      { line: 3, reason: 'ContextTokens: negative (-5)' },
      { line: 4, reason: 'TIMESTAMP: 1970-01-01T00:00:01.000Z is outside 2000-2099' },
      { line: 5, reason: 'ContextTokens: not a number: "ten"' },
      { line: 6, reason: '4 fields, the header has 5' },
      { line: 7, reason: 'TIMESTAMP: not a timestamp: "not a date"' },
    ]);
    expect(summary).toMatchObject({ rowsRead: 7, badRows: 5, rowsImported: 2 });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('a 10 MB single line is one bad row, not an out-of-memory', async () => {
    const text = `TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n${'9'.repeat(10 * 1024 * 1024)}\n2023-11-16 18:15:47,2,2\n`;
    const { written, bad } = await run('csv', text, { map: 'ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens', model: 'gpt-4o-mini', chunk: 256 * 1024 });
    expect(written).toHaveLength(2);
    expect(bad).toEqual([{ line: 3, reason: `record longer than ${1 << 20} characters` }]);
  });
});

describe('a file that is not the format stops the import before anything is written', () => {
  const fails = async (format: ImportFormatId, input: string | Buffer, message: RegExp, map?: string) => {
    const error = await run(format, input, { map }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportFormatError);
    expect((error as Error).message).toMatch(message);
  };
  it('empty, binary, CSV given as JSON, JSON given as CSV, wrong columns, wrong JSON shape', async () => {
    await fails('csv', '', /line 1: the file is empty/);
    await fails('litellm-json', '  \n\n', /line 1: the file is empty/);
    await fails('csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]), /line 1: binary data/);
    await fails('openai-usage-json', fixture('openai-costs.csv'), /line 1: not JSON: unexpected 's' at the top level; is --format right\?/);
    await fails('litellm-csv', fixture('litellm-spend-logs.json'), /line 1: not a LiteLLM_SpendLogs CSV: missing column\(s\) request_id, startTime, model/);
    await fails('anthropic-usage-json', fixture('openai-usage-completions.json'), /line 4: expected an Anthropic usage bucket .* is --format right\?/);
    await fails('litellm-json', fixture('anthropic-usage-report.json'), /line 3: expected a LiteLLM_SpendLogs row; missing field\(s\) request_id, startTime, model/);
    await fails('csv', fixture('mapped-trace.csv'), /line 1: mapped column\(s\) not in the file: Timestamp \(for ts\); .*found: TIMESTAMP, ContextTokens, GeneratedTokens/, 'ts=Timestamp,input=ContextTokens');
    await fails('csv', 'a,b\n1,2\n', /line 1: no timestamp column .*no token or cost column/);
  });
});
