import { describe, expect, it } from 'vitest';
import { GatewayError } from '../domain/errors.ts';
import { validateBody } from './validate.ts';

function problem(body: unknown, operation: Parameters<typeof validateBody>[1] = 'chat', wire: 'openai' | 'anthropic' = 'openai') {
  try {
    validateBody(body, operation, wire);
    return undefined;
  } catch (error) {
    return error as GatewayError;
  }
}

describe('validateBody', () => {
  it.each([
    ['not an object', [], undefined],
    ['missing model', { messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ['model of the wrong type', { model: 42, messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ['stream not boolean', { model: 'm', stream: 'yes', messages: [{ role: 'user', content: 'x' }] }, 'stream'],
    ['empty messages', { model: 'm', messages: [] }, 'messages'],
    ['message without role', { model: 'm', messages: [{ content: 'x' }] }, 'messages[0].role'],
    ['negative max_tokens', { model: 'm', max_tokens: -1, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
  ])('rejects %s with a 400 naming the field', (_name, body, param) => {
    const error = problem(body);
    expect(error?.status).toBe(400);
    expect(error?.param).toBe(param);
  });

  it('requires max_tokens on Anthropic messages, as Anthropic does', () => {
    expect(problem({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }, 'messages', 'anthropic')?.param).toBe('max_tokens');
  });

  it('passes unknown fields through untouched', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'x' }], some_new_param: { nested: true } };
    expect(validateBody(body, 'chat', 'openai')).toBe(body);
  });
});
