import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatUsd } from '../../src/domain/money.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { LIST_PRICES, expectedNanoUsd } from '../support/prices.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const TRACE = 'azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv';

interface TraceRow {
  contextTokens: number;
  generatedTokens: number;
}

function readTrace(): TraceRow[] {
  const lines = readFileSync(sharedDataPath(TRACE), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [, context, generated] = line.split(',');
    return { contextTokens: Number(context), generatedTokens: Number(generated) };
  });
}

/**
 * Replays every request of Azure's 2023 conversation trace through the gateway (the mock upstream
 * reports the trace's token counts; a quarter of the requests stream) and requires the ledger's
 * total to equal the trace's exact total at gpt-4o-mini's list prices, computed here in BigInt.
 */
skipUnless(hasSharedData(TRACE), missingSharedData(TRACE))('Azure conversation trace replay', () => {
  let h: Harness;
  let rows: TraceRow[];

  beforeAll(async () => {
    rows = readTrace();
    h = await startHarness({ mock: { recordRequests: false } });
  });
  afterAll(() => h?.close());

  it('leaves a ledger whose total equals the trace total at the configured prices, to the nano-dollar', { timeout: 240_000 }, async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const index = next++;
        const row = rows[index]!;
        const params = withMock(
          { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `trace request ${index}` }] },
          { usage: { input: row.contextTokens, output: row.generatedTokens }, text: 'ok' },
        );
        if (index % 4 === 0) {
          const stream = await client.chat.completions.create({ ...params, stream: true });
          for await (const _ of stream) void _;
        } else {
          await client.chat.completions.create(params);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    let exact = 0n;
    let input = 0;
    let output = 0;
    for (const row of rows) {
      exact += BigInt(expectedNanoUsd(LIST_PRICES['gpt-4o-mini'], { input: row.contextTokens, output: row.generatedTokens }));
      input += row.contextTokens;
      output += row.generatedTokens;
    }
    const ledger = await h.ledger();
    expect(ledger).toHaveLength(rows.length);
    const ledgerTotal = ledger.reduce((sum, r) => sum + BigInt(r.costNanoUsd), 0n);
    const report = (await (await h.admin('/api/report?by=model')).json()) as { totals: { costNanoUsd: number; inputTokens: number; outputTokens: number } };
    console.log(
      `azure conv replay: ${rows.length} requests, ${input} input + ${output} output tokens, ` +
        `ledger $${formatUsd(Number(ledgerTotal))} vs exact $${formatUsd(Number(exact))}`,
    );
    expect(ledgerTotal).toBe(exact);
    expect(BigInt(report.totals.costNanoUsd)).toBe(exact);
    expect(report.totals.inputTokens).toBe(input);
    expect(report.totals.outputTokens).toBe(output);
    expect(ledger.every((r) => r.status === 200 && !r.estimated && r.priced)).toBe(true);
  });
});
