import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from './estimate.ts';
import { EXACT_COUNT_CHARS } from './estimate.ts';
import { inboundOf, rememberSourceLength, replaceBody } from './inbound.ts';

/** A body as the gateway parses it: from its JSON text, with the text's length remembered. */
function parsed(text: string): Record<string, unknown> {
  const body = JSON.parse(text) as Record<string, unknown>;
  rememberSourceLength(body, text.length);
  return body;
}

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

  it('inputTokensAtMost bounds the estimate by 3 per UTF-16 unit of the source text, for any script, escapes, tools and long sampled texts', () => {
    const texts = [
      'How many tokens is this sentence?',
      // 3 UTF-8 bytes per unit, rare ideographs (the worst case for the 3x: several tokens a character).
      '龘靐齉麤䨻䲜𠔻'.repeat(50) + '漢字かな交じり文',
      // Surrogate pairs (4 bytes for 2 units), combining marks, a lone surrogate written as an escape.
      '🦀🧪👩‍👩‍👧‍👦 e\u0301 \ud800 x',
      // Escapes: the source is longer than the text (\u0001 is 6 units for one).
      '\u0001\u0002\n\t"\\/'.repeat(40),
      // Over the exact-count limit: sampled, and still bounded.
      '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ꙮ '.repeat(Math.ceil((EXACT_COUNT_CHARS * 1.5) / 12)),
      '',
    ];
    const bodies = texts.flatMap((text) => [
      JSON.stringify({ model: 'm', messages: [{ role: 'user', content: text }] }),
      JSON.stringify({ model: 'm', system: text, messages: [{ role: 'user', content: [{ type: 'text', text }] }] }, null, 0),
      JSON.stringify({ model: 'm', prompt: [text, text] }),
      // Many minimal messages: the per-message overhead paid by the list's own characters.
      JSON.stringify({ model: 'm', messages: Array.from({ length: 50 }, () => text.slice(0, 1)) }),
      `{"messages":[${Array.from({ length: 200 }, () => '0').join(',')}]}`,
      `{"messages":[{}]}`,
      // Tools re-serialised longer than their source (numbers spelled out).
      `{"model":"m","messages":[{"role":"user","content":${JSON.stringify(text.slice(0, 20))}}],"tools":[{"type":"function","function":{"name":"f","parameters":{"max":1e20,"min":-1e19,"step":1e-6,"x":[${Array.from({ length: 100 }, () => '1e20').join(',')}]}}}]}`,
      `{"model":"m","tools":null,"input":${JSON.stringify(text.slice(0, 100))}}`,
    ]);
    for (const text of bodies) {
      const body = parsed(text);
      const reading = inboundOf({ body, operation: 'chat' });
      const bound = reading.inputTokensAtMost!;
      expect(bound).toBeGreaterThanOrEqual(3 * text.length);
      expect(estimateInputTokens(body)).toBeLessThanOrEqual(bound);
      // Once counted, the count itself is the bound.
      expect(reading.inputTokens).toBe(estimateInputTokens(body));
      expect(reading.inputTokensAtMost).toBe(reading.inputTokens);
    }
  });

  it('inputTokensAtMost is unknown for a body not parsed from text, and follows replaceBody only while the prompt is the same objects', () => {
    expect(inboundOf({ body: { model: 'a', messages: [] }, operation: 'chat' }).inputTokensAtMost).toBeUndefined();
    const text = '{"model":"a","messages":[{"role":"user","content":"Summarise Hamlet."}]}';
    const request: { body: Record<string, unknown>; operation: 'chat' } = { body: parsed(text), operation: 'chat' };
    // Replaced before anything read it: the source length still travels with the same prompt.
    replaceBody(request, { ...request.body, model: 'b', max_tokens: 64 });
    expect(inboundOf(request).inputTokensAtMost).toBe(3 * text.length);
    expect(inboundOf(request).countedInputTokens).toBeUndefined();
    replaceBody(request, { ...request.body, messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
    expect(inboundOf(request).inputTokensAtMost).toBeUndefined();
  });
});
