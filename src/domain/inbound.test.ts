import { describe, expect, it } from 'vitest';
import { inboundOf } from './inbound.ts';

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
});
