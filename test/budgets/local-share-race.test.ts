import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { localShareConfig } from '../support/local-share.ts';

/**
 * The local-share guard under concurrency: cloud requests that arrive together cannot all pass on
 * the same headroom (each reserves its slot atomically), so the share holds at the target.
 */
describe('local-share guard under concurrency', () => {
  let h: Harness;
  // target 0.8: one cloud request per four local ones, after a warm-up of the first 5 requests.
  const config = (input: TollgateConfigInput, mockUrl: string): TollgateConfigInput => localShareConfig(input, mockUrl, 0.8);
  beforeAll(async () => {
    h = await startHarness({ config, mock: { recordRequests: false } });
  });
  afterAll(() => h?.close());

  it('40 concurrent cloud requests after 20 local ones: exactly the 5 the share allows pass', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    for (let i = 0; i < 20; i += 1) await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: `local ${i}` }] });
    // Slow cloud answers: every request is admitted (or refused) while the others are still in flight.
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => openai.chat.completions.create(withMock({ model: 'cloud', messages: [{ role: 'user' as const, content: `cloud ${i}` }] }, { latencyMs: 300 }))),
    );
    const admitted = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 429).length;
    // cloud ≤ local × (1 - 0.8) / 0.8 = 20 / 4 = 5
    expect(admitted).toBe(5);
    expect(refused).toBe(35);
    const rows = (await h.ledger()).filter((row) => row.status === 200);
    const local = rows.filter((row) => row.provider === 'cpu-box').length;
    expect(local / rows.length).toBeGreaterThanOrEqual(0.8);
  });
});
