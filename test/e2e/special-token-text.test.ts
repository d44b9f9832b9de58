import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * A prompt may quote a tokenizer's special tokens as plain text (a question about them, a pasted
 * training file). The gateway's own token estimate must read them as text, as the providers do:
 * gpt-tokenizer refuses them by default and threw, which failed the request wherever the estimate
 * runs (budget admission, a stream cut before its usage, local count_tokens).
 */
describe('special-token text in a prompt', () => {
  let h: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;
  const quoted = 'What do <|endoftext|>, <|fim_prefix|>, <|endofprompt|> and <|im_start|> mean in a training file?';

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        budgets: [{ id: 'day', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 1_000, thresholds: [{ percent: 100, action: 'block' }] }],
      }),
    });
    openai = h.openai();
    anthropic = new Anthropic({ baseURL: h.url, apiKey: 'anonymous', maxRetries: 0 });
  });
  afterAll(() => h.close());

  it('passes budget admission and is answered, JSON and streamed, with a ledger row each', async () => {
    const answer = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: quoted }] }, { text: 'They are special tokens.' }));
    expect(answer.choices[0]?.message.content).toBe('They are special tokens.');
    const stream = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${quoted} (streamed)` }], stream: true as const }, { text: 'Special tokens.' }));
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Special tokens.');
    const rows = (await h.ledger()).slice(-2);
    expect(rows.map((row) => row.status)).toEqual([200, 200]);
  });

  it('a stream cut before its usage is estimated from the prompt, special tokens as text', async () => {
    const stream = await openai.chat.completions.create(
      withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${quoted} (cut)` }], stream: true as const }, { text: 'one two three four five six', dropAfterChunks: 2 }),
    );
    const error = await (async () => {
      for await (const _chunk of stream) {
        // read until the cut
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const row = (await h.ledger()).at(-1);
    expect(row).toMatchObject({ stream: true, estimated: true });
    // The prompt's text counted: its special-token spellings are several tokens each, not one.
    expect(row?.inputTokens).toBeGreaterThan(30);
    expect(row?.costNanoUsd).toBeGreaterThan(0);
  });

  it('is counted locally by count_tokens', async () => {
    const counted = await anthropic.messages.countTokens({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: quoted }] });
    expect(counted.input_tokens).toBeGreaterThan(30);
  });
});
