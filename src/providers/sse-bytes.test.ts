import { describe, expect, it } from 'vitest';
import { createAnthropicAdapter } from './anthropic/adapter.ts';
import { createOpenAiAdapter } from './openai/adapter.ts';
import { endsAtEventBoundary, eventAround, mayCarryError, nonNullKeyAt } from './sse-bytes.ts';
import { makeCall, providerConfig } from './testing/harness.ts';

const USAGE = Buffer.from('"usage"');
const bytes = (text: string) => Buffer.from(text);
const chunk = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
const content = chunk({ id: 'c', choices: [{ index: 0, delta: { content: 'say "usage": {1} and "error": no' } }], usage: null });
const usageOnly = chunk({ id: 'c', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });

describe('byte checks on raw SSE reads', () => {
  it('event boundaries: only a read ending in a blank line is whole', () => {
    expect(endsAtEventBoundary(bytes('data: x\n\n'))).toBe(true);
    expect(endsAtEventBoundary(bytes('data: x\n'))).toBe(false);
    expect(endsAtEventBoundary(bytes('data: x\r\n\r\n'))).toBe(false); // cannot tell cheaply: parsed
    expect(endsAtEventBoundary(bytes('\n'))).toBe(false);
  });

  it('a non-null key is found; null values and keys quoted inside generated text are not', () => {
    expect(nonNullKeyAt(bytes(content), USAGE)).toBe(-1);
    expect(nonNullKeyAt(bytes(usageOnly), USAGE)).toBe(usageOnly.indexOf('"usage"'));
    expect(nonNullKeyAt(bytes('data: {"usage" :\n {"a":1}}\n\n'), USAGE)).toBe(7);
    expect(nonNullKeyAt(bytes('data: {"usage": null}\n\n'), USAGE)).toBe(-1);
    // Cut off at the end of the read: cannot tell, so it counts as found.
    expect(nonNullKeyAt(bytes('data: {"usage"'), USAGE)).toBe(7);
    expect(nonNullKeyAt(bytes('data: {"usage": '), USAGE)).toBe(7);
    expect(nonNullKeyAt(bytes(`${content}${usageOnly}`), USAGE, content.length + 1)).toBe(content.length + usageOnly.indexOf('"usage"'));
  });

  it('an in-band error is seen; the word inside generated text is not', () => {
    expect(mayCarryError(bytes(content))).toBe(false);
    expect(mayCarryError(bytes(chunk({ error: { message: 'overloaded' } })))).toBe(true);
    expect(mayCarryError(bytes('event: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\n'))).toBe(true);
  });

  it('the event around a position', () => {
    const read = bytes(`${content}${usageOnly}data: [DONE]\n\n`);
    expect(eventAround(read, content.length + 10)).toEqual([content.length, content.length + usageOnly.length]);
    expect(eventAround(read, 3)).toEqual([0, content.length]);
    expect(eventAround(bytes('data: {"usage":{}'), 8)).toBeUndefined();
  });
});

describe('pass-through transformers forward whole reads without parsing them', () => {
  const provider = providerConfig('openai', 'http://127.0.0.1:1/v1');
  const openai = createOpenAiAdapter('openai');
  const body = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] };

  it('OpenAI: the read as it came, less the usage-only chunk the client did not ask for', () => {
    const read = bytes(`${content}${usageOnly}data: [DONE]\n\n`);
    const forwarded = openai.createStreamTransformer(makeCall({ provider, body })).forward?.(read);
    expect(Buffer.from(forwarded!).toString()).toBe(`${content}data: [DONE]\n\n`);
    const withUsage = openai.createStreamTransformer(makeCall({ provider, body: { ...body, stream_options: { include_usage: true } } })).forward?.(read);
    expect(withUsage).toBe(read); // the very bytes, no copy
    const plain = bytes(content.repeat(3));
    expect(openai.createStreamTransformer(makeCall({ provider, body })).forward?.(plain)).toBe(plain);
  });

  it('OpenAI: usage on a chunk with choices stays; an in-band error or an unreadable usage event is parsed instead', () => {
    const usageWithChoices = bytes(chunk({ id: 'c', choices: [{ index: 0, delta: { content: 'x' } }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    const transformer = openai.createStreamTransformer(makeCall({ provider, body }));
    expect(transformer.forward?.(usageWithChoices)).toBe(usageWithChoices);
    expect(transformer.forward?.(bytes(chunk({ error: { message: 'boom' } })))).toBeUndefined();
    expect(transformer.forward?.(bytes('data: {"usage": {not json}\n\n'))).toBeUndefined();
    expect(transformer.forward?.(bytes(`${usageOnly}${usageOnly}`))).toBeUndefined();
  });

  it('Anthropic: every read without an error event goes as it came; translating transformers never forward', () => {
    const anthropic = createAnthropicAdapter();
    const call = makeCall({ provider: providerConfig('anthropic', 'http://127.0.0.1:1'), body: { model: 'claude-3-5-haiku-latest', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'hi' }] }, clientWire: 'anthropic', operation: 'messages' });
    const read = bytes('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n');
    expect(anthropic.createStreamTransformer(call).forward?.(read)).toBe(read);
    expect(anthropic.createStreamTransformer(call).forward?.(bytes('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"x"}}\n\n'))).toBeUndefined();
    expect(anthropic.createStreamTransformer({ ...call, clientWire: 'openai', operation: 'chat' }).forward).toBeUndefined();
    expect(openai.createStreamTransformer(makeCall({ provider, body, clientWire: 'anthropic', operation: 'messages' })).forward).toBeUndefined();
  });
});
