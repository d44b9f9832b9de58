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
    ['max_tokens of 1e308', { model: 'm', max_tokens: 1e308, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
    ['a 257-character model', { model: 'm'.repeat(257), messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ['a model with CR/LF', { model: 'gpt\r\nx: y', messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ['a model with a NUL', { model: 'gpt\u0000', messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ['a model with a lone surrogate', { model: 'gpt\ud800', messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ['content [null]', { model: 'm', messages: [{ role: 'user', content: [null] }] }, 'messages[0].content[0]'],
    ['content a number', { model: 'm', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    ['n of 129 (no budget needed)', { model: 'm', n: 129, messages: [{ role: 'user', content: 'x' }] }, 'n'],
    ['n of 1.5', { model: 'm', n: 1.5, messages: [{ role: 'user', content: 'x' }] }, 'n'],
  ])('rejects %s with a 400 naming the field', (_name, body, param) => {
    const error = problem(body);
    expect(error?.status).toBe(400);
    expect(error?.param).toBe(param);
  });

  it('bounds best_of on completions, with or without budgets', () => {
    expect(problem({ model: 'm', prompt: 'x', best_of: 500 }, 'completion')?.param).toBe('best_of');
    expect(problem({ model: 'm', prompt: 'x', best_of: 4, n: 2 }, 'completion')).toBeUndefined();
  });

  it('requires max_tokens on Anthropic messages, as Anthropic does', () => {
    expect(problem({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }, 'messages', 'anthropic')?.param).toBe('max_tokens');
  });

  it('accepts real model names: aliases, model@provider, routes, org/model:tag', () => {
    for (const model of ['gpt-4o-mini', 'gpt-4o-mini@mock-openai', 'tollgate/cheapest', 'meta-llama/Llama-3.1-8B-Instruct:free', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0', '@cf/meta/llama-3-8b', 'm'.repeat(256)]) {
      expect(problem({ model, messages: [{ role: 'user', content: 'x' }] }), model).toBeUndefined();
    }
  });

  it('passes unknown fields through untouched', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'x' }], some_new_param: { nested: true } };
    expect(validateBody(body, 'chat', 'openai')).toBe(body);
  });
});
