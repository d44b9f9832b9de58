import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { formatUsd, usdToNano } from '../../src/domain/money.ts';
import { accruedNanoUsd } from '../../src/pricing/fixed-costs.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { seededRandom } from '../support/ledger-records.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const TRACE = 'azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv';
const REQUESTS = 2_000;
const MONTH_START = Date.parse('2026-11-01T00:00:00Z');
const MONTH_END = Date.parse('2026-12-01T00:00:00Z');

/**
 * The design's solo-developer month: a hard $30/month including fixed costs ($10 of monitoring,
 * Redis and misc, plus a CPU box at $0.0275/h = $19.80 for November), 98% of traffic on the local
 * model, cloud (gpt-4o at list price) only for prompts over 4,096 tokens. 2,000 requests sampled
 * from the Azure conversation trace are replayed across November on a synthetic clock.
 */
skipUnless(hasSharedData(TRACE), missingSharedData(TRACE))('the $30/month scenario', () => {
  let h: Harness;
  let clock = MONTH_START;
  const config = (input: TollgateConfigInput, mockUrl: string): TollgateConfigInput => ({
    ...input,
    providers: {
      ...input.providers,
      'cpu-box': { kind: 'openai-compatible', baseUrl: `${mockUrl}/v1`, node: 'cpu-box' },
    },
    models: { assistant: { target: 'llama3.1:8b@cpu-box', contextWindow: 4096, overflowTarget: 'gpt-4o@mock-openai' } },
    defaultProvider: undefined,
    pricing: {
      localNodes: [{ id: 'cpu-box', hourlyUsd: 0.0275, expectedTokensPerSecond: 400 }],
      fixedCosts: [
        { name: 'monitoring', monthlyUsd: 5 },
        { name: 'redis', monthlyUsd: 2.5 },
        { name: 'misc', monthlyUsd: 2.5 },
      ],
    },
    budgets: [
      {
        id: 'monthly-total',
        scope: 'global',
        period: 'monthly',
        limitUsd: 30,
        includeFixedCosts: true,
        thresholds: [
          { percent: 99.5, action: 'alert' },
          { percent: 99.9, action: 'alert' },
          { percent: 100, action: 'block' },
        ],
      },
    ],
    localShare: { target: 0.98 },
  });

  beforeAll(async () => {
    h = await startHarness({ config, now: () => clock, mock: { recordRequests: false } });
  });
  afterAll(() => h?.close());

  it('ends the month at or under $30 with the local share at target', { timeout: 240_000 }, async () => {
    const warnings = h.server.gateway.runtime.budgets.fixedCostWarnings();
    expect(warnings.join('\n')).toMatch(/monthly-total: fixed costs take 99\.3% \(\$29\.8 of \$30\)/);

    const rows = readFileSync(sharedDataPath(TRACE), 'utf8').trim().split('\n').slice(1);
    const random = seededRandom(30);
    const statuses: Record<string, number> = {};
    let cloudRefusedByBudget = 0;
    let cloudRefusedByShare = 0;
    for (let index = 0; index < REQUESTS; index += 1) {
      clock = MONTH_START + Math.floor(((index + 0.5) * (MONTH_END - MONTH_START)) / REQUESTS);
      const [, context, generated] = rows[Math.floor(random() * rows.length)]!.split(',');
      const contextTokens = Number(context);
      const body = {
        model: 'assistant',
        max_tokens: Math.max(1, Number(generated)),
        messages: [{ role: 'user', content: 'word '.repeat(Math.max(1, contextTokens - 10)) }],
        mock: { usage: { input: contextTokens, output: Number(generated) } },
      };
      const response = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 429) {
        if (text.includes('Local-share guard')) cloudRefusedByShare += 1;
        else cloudRefusedByBudget += 1;
      }
    }
    clock = MONTH_END - 1;
    const ledger = await h.ledger();
    const served = ledger.filter((r) => r.status === 200);
    const cloud = served.filter((r) => r.provider === 'mock-openai');
    const cloudNano = cloud.reduce((sum, r) => sum + r.costNanoUsd, 0);
    const fixedNano = accruedNanoUsd(
      [{ monthlyUsd: 5 }, { monthlyUsd: 2.5 }, { monthlyUsd: 2.5 }, { hourlyUsd: 0.0275 }],
      MONTH_START,
      MONTH_END,
    );
    const total = fixedNano + cloudNano;
    const localShare = (served.length - cloud.length) / served.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const alerts = ((await (await h.admin('/api/alerts')).json()) as { data: Array<{ kind: string; timeMs: number; message: string }> }).data;
    console.log(
      `$30 month: ${REQUESTS} requests (${JSON.stringify(statuses)}); ${served.length - cloud.length} local, ${cloud.length} cloud ` +
        `(local share ${(localShare * 100).toFixed(2)}%); cloud $${formatUsd(cloudNano)} + fixed $${formatUsd(fixedNano)} = $${formatUsd(total)}; ` +
        `cloud refused: ${cloudRefusedByBudget} by the budget, ${cloudRefusedByShare} by the local-share guard; alerts: ` +
        alerts.map((a) => `${a.kind} at ${new Date(a.timeMs).toISOString().slice(0, 16)}`).join(', '),
    );
    expect(total).toBeLessThanOrEqual(usdToNano(30));
    expect(localShare).toBeGreaterThanOrEqual(0.98);
    expect(cloud.length).toBeGreaterThan(0);
    expect(cloudRefusedByBudget + cloudRefusedByShare).toBeGreaterThan(0);
    expect(alerts.length).toBeGreaterThan(0);
    // Local requests still carry their amortised node cost for attribution (never silently $0).
    expect(served.find((r) => r.provider === 'cpu-box')?.costNanoUsd).toBeGreaterThan(0);
  });
});
