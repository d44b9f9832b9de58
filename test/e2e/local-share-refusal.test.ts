import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { localShareConfig } from '../support/local-share.ts';

/**
 * A local-share refusal cannot be lifted by waiting a few seconds: the cloud count of the period
 * only drops when the period resets, and the share only returns as more requests are served
 * locally. So the official SDKs must not retry it (twice, with their own backoff) on their default
 * settings: it says `x-should-retry: false`, like a budget refusal, with the period's reset.
 */
describe('local-share refusal', () => {
  let h: Harness;
  // target 0.5: after one local request, one cloud request; the second is refused.
  const config = (input: TollgateConfigInput, mockUrl: string): TollgateConfigInput => ({ ...localShareConfig(input, mockUrl, 0.5), cache: { enabled: false } });
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(() => h?.close());

  it('fails fast in both official SDKs with their default retries, saying x-should-retry: false and when the period resets', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none' });
    expect(openai.maxRetries).toBe(2);
    await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'local' }] });
    await openai.chat.completions.create({ model: 'cloud', messages: [{ role: 'user', content: 'cloud 1' }] });

    const error = await openai.chat.completions.create({ model: 'cloud', messages: [{ role: 'user', content: 'cloud 2' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (error as InstanceType<typeof OpenAI.RateLimitError>).headers as unknown as Headers;
    expect(headers.get('x-should-retry')).toBe('false');
    expect(headers.get('x-tollgate-budget')).toBe('local-share');
    const reset = headers.get('x-tollgate-budget-reset');
    expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(Date.parse(reset!)).toBeGreaterThan(Date.now());
    expect((error as Error).message).toMatch(/Local-share guard: 1 of 2 requests .* went to cloud models/);
    expect((error as Error).message).toContain(reset!);

    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'none' });
    expect(anthropic.maxRetries).toBe(2);
    const anthropicError = await anthropic.messages.create({ model: 'cloud', max_tokens: 100, messages: [{ role: 'user', content: 'cloud 3' }] }).catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.RateLimitError);

    // Each refused SDK call reached the gateway once (no retry), and none of them went upstream.
    const rows = await h.ledger();
    expect(rows.filter((row) => row.errorCode === 'budget_exceeded')).toHaveLength(2);
    expect(h.mock.requests.filter((r) => r.path.endsWith('/chat/completions') || r.path.endsWith('/messages'))).toHaveLength(2);
  });
});
