import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

const LIMITED = 'tg-count-tokens-limited-0000000000';

/**
 * A key's `allowedModels` holds for `count_tokens` too: counting with a model the key may not use
 * is a 403 in the Anthropic envelope and nothing reaches the operator's Anthropic account.
 */
describe('count_tokens and a key limited to some models', () => {
  let h: Harness;
  let anthropic: Anthropic;
  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        server: { ...input.server, anonymous: undefined },
        keys: [{ name: 'limited', secret: LIMITED, org: 'acme', project: 'p', allowedModels: ['gpt-4o-mini'] }],
      }),
    });
    anthropic = new Anthropic({ baseURL: h.url, apiKey: LIMITED, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.mock.reset());

  const messages = [{ role: 'user' as const, content: 'How many tokens is this?' }];

  it('a model the key may not use is a 403, and nothing is sent upstream', async () => {
    const error = await anthropic.messages.countTokens({ model: 'claude-3-5-haiku-latest', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((error as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(h.mock.requests).toHaveLength(0);
    // The same answer the messages route gives for it.
    await expect(anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 5, messages })).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
  });

  it('an allowed model is counted', async () => {
    const counted = await anthropic.messages.countTokens({ model: 'gpt-4o-mini', messages });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});
