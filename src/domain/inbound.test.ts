import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from './estimate.ts';
import { inboundOf, replaceBody } from './inbound.ts';

describe('inboundOf', () => {
  it('reads model, stream and the stream-usage wish with one coercion each', () => {
    const body = { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] };
    expect(inboundOf({ body, operation: 'chat' })).toMatchObject({ model: 'gpt-4o-mini', stream: true, streamUsage: true, lastUserText: 'hi' });
    expect(inboundOf({ body: { model: 7, stream: 'yes', stream_options: null }, operation: 'chat' })).toMatchObject({ model: '', stream: false, streamUsage: false, lastUserText: '' });
    expect(inboundOf({ body: { model: 'e', stream: true }, operation: 'embedding' }).stream).toBe(false);
    // Inherited keys are not the client's: a body whose prototype names a model asks for none.
    expect(inboundOf({ body: JSON.parse('{"__proto__":{"model":"x"}}') as Record<string, unknown>, operation: 'chat' }).model).toBe('');
  });

  it('reads a body once: the same reading for the same body, a fresh one for a replaced body', () => {
    const body = { model: 'a', messages: [{ role: 'user', content: 'first' }] };
    const request = { body, operation: 'chat' as const };
    const first = inboundOf(request);
    expect(inboundOf(request)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const swapped = { ...request, body: { ...body, model: 'b' } };
    expect(inboundOf(swapped).model).toBe('b');
    expect(inboundOf(request).model).toBe('a');
  });

  it('counts the input tokens on first read, once, without writing onto the request', () => {
    const body = { model: 'a', system: 'Be brief.', messages: [{ role: 'user', content: 'How many tokens is this sentence?' }] };
    const request = { body, operation: 'chat' as const };
    const before = Object.keys(request);
    const reading = inboundOf(request);
    expect(reading.countedInputTokens).toBeUndefined();
    expect(reading.inputTokens).toBe(estimateInputTokens(body));
    expect(reading.countedInputTokens).toBe(reading.inputTokens);
    expect(Object.keys(request)).toEqual(before);
    expect(Object.keys(body)).toEqual(['model', 'system', 'messages']);
  });

  it('replaceBody carries the prompt readings over when the prompt is the same objects, and not otherwise', () => {
    const messages = [{ role: 'user', content: 'Summarise Hamlet in two sentences.' }];
    const request: { body: Record<string, unknown>; operation: 'chat' } = { body: { model: 'a', messages }, operation: 'chat' };
    const tokens = inboundOf(request).inputTokens;
    replaceBody(request, { ...request.body, model: 'b', max_tokens: 64 });
    expect(inboundOf(request).model).toBe('b');
    // The same prompt: counted already (a fresh reading would report undefined until read).
    expect(inboundOf(request).countedInputTokens).toBe(tokens);
    replaceBody(request, { ...request.body, messages: [...messages, { role: 'assistant', content: 'x' }, { role: 'user', content: 'and Macbeth, at much greater length than before' }] });
    expect(inboundOf(request).countedInputTokens).toBeUndefined();
    expect(inboundOf(request).inputTokens).toBeGreaterThan(tokens);
    expect(inboundOf(request).lastUserText).toBe('and Macbeth, at much greater length than before');
  });
});
