import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * `stream: null` means "not streamed" in the OpenAI API, and the official SDK's types allow it
 * (`stream?: false | null`); the gateway refused it with a 400. Anthropic's API takes only a boolean.
 */
describe('stream: null', () => {
  let h: Harness;
  let openai: OpenAI;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
    openai = h.openai();
  });
  afterAll(() => h.close());

  it('is a whole (non-streamed) answer on chat completions, to an OpenAI and to an Anthropic upstream', async () => {
    for (const model of ['gpt-4o-mini', 'claude-3-5-haiku-latest']) {
      const completion = await openai.chat.completions.create({ model, stream: null, messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0]?.message.content).toBeTruthy();
    }
    const rows = await h.ledger();
    expect(rows.slice(-2).map((row) => [row.status, row.stream])).toEqual([[200, false], [200, false]]);
  });

  it('is a whole answer on legacy completions', async () => {
    const completion = await openai.completions.create({ model: 'gpt-4o-mini', stream: null, prompt: 'hi', max_tokens: 5 });
    expect(completion.object).toBe('text_completion');
  });

  it('stays a 400 on the Anthropic wire, as Anthropic answers it', async () => {
    const response = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'anonymous', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 5, stream: null, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
