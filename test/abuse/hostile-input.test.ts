import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * Issue #10 items 7 and 8: hostile bodies, prototype-named models and strategies, absurd numbers,
 * deep nesting and unbounded model names are each a 400 in the caller's envelope, before anything
 * upstream is called, and the gateway keeps serving.
 */
describe('hostile input at the proxy endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        budgets: [{ id: 'org-cap', scope: 'org', value: 'demo', period: 'monthly', limitUsd: 5 }],
      } as typeof input),
    });
  });
  afterAll(() => h.close());

  const ENDPOINTS = [
    ['/v1/chat/completions', 'openai'],
    ['/v1/completions', 'openai'],
    ['/v1/embeddings', 'openai'],
    ['/v1/messages', 'anthropic'],
  ] as const;

  async function post(path: string, body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = { unparsable: text };
    }
    return { status: response.status, body: json, headers: response.headers };
  }

  function expectEnvelope(body: any, wire: 'openai' | 'anthropic') {
    if (wire === 'anthropic') {
      expect(body).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
    } else {
      expect(body).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
    }
  }

  it('a JSON null, a number, a string and an array body are 400s on all four endpoints', async () => {
    for (const [path, wire] of ENDPOINTS) {
      for (const body of ['null', '42', '"text"', '[]', '[null]']) {
        const result = await post(path, body);
        expect(result.status, `${path} ${body}`).toBe(400);
        expectEnvelope(result.body, wire);
      }
    }
  });

  it('content: [null] and other malformed message parts are 400s', async () => {
    const oa = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: [null] }] }));
    expect(oa.status).toBe(400);
    expectEnvelope(oa.body, 'openai');
    const an = await post('/v1/messages', JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 5, messages: [{ role: 'user', content: [null] }] }));
    expect(an.status).toBe(400);
    expectEnvelope(an.body, 'anthropic');
    const system = await post('/v1/messages', JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 5, system: [null], messages: [{ role: 'user', content: 'hi' }] }));
    expect(system.status).toBeLessThan(500);
  });

  it('model names and strategies that name prototype members are 4xx, never 500', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'tollgate/constructor', 'tollgate/__proto__']) {
      for (const [path, wire] of ENDPOINTS) {
        const body = path === '/v1/messages' ? { model: name, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] } : path === '/v1/chat/completions' ? { model: name, messages: [{ role: 'user', content: 'hi' }] } : path === '/v1/completions' ? { model: name, prompt: 'hi' } : { model: name, input: 'hi' };
        const result = await post(path, JSON.stringify(body));
        expect(result.status, `${path} ${name}`).toBeLessThan(500);
        // A plain name goes to the default provider like any other; a routed one is unknown.
        if (result.status >= 400) expectEnvelope(result.body, wire);
      }
    }
    for (const strategy of ['constructor', '__proto__', 'toString', 'valueOf']) {
      const result = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), { 'x-tollgate-strategy': strategy });
      expect(result.status, strategy).toBeLessThan(500);
      if (result.status >= 400) expectEnvelope(result.body, 'openai');
    }
  });

  it('max_tokens of 1e308 under a budget is a 400', async () => {
    const oa = await post('/v1/chat/completions', '{"model":"gpt-4o-mini","max_tokens":1e308,"messages":[{"role":"user","content":"hi"}]}');
    expect(oa.status).toBe(400);
    expect(oa.body.error.param).toBe('max_tokens');
    const an = await post('/v1/messages', '{"model":"claude-3-5-haiku-latest","max_tokens":1e308,"messages":[{"role":"user","content":"hi"}]}');
    expect(an.status).toBe(400);
    expectEnvelope(an.body, 'anthropic');
  });

  it('nesting 100,000 deep is a 400 naming the depth, not a RangeError 500', async () => {
    const deep = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    for (const [path, wire] of ENDPOINTS) {
      const result = await post(path, deep);
      expect(result.status, path).toBe(400);
      expectEnvelope(result.body, wire);
      expect(JSON.stringify(result.body)).toMatch(/depth|nest/i);
    }
  });

  it('a 1 MB prompt string still passes', async () => {
    // ~200k tokens: a model with a 1M-token window (gpt-4o-mini's 128k would rightly refuse it as too long).
    const result = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'word '.repeat(200_000) }] }));
    expect(result.status).toBe(200);
  });

  it('model names: over 256 characters, control characters, CR/LF and lone surrogates are 400 before the upstream is called', async () => {
    const before = h.mock.requests?.length ?? 0;
    for (const name of ['m'.repeat(257), 'm'.repeat(100_000), 'gpt\u0000x', 'gpt\r\nx-evil: 1', 'gpt\ud800x', 'gpt x', '']) {
      for (const [path, wire] of ENDPOINTS) {
        const body = path === '/v1/messages' ? { model: name, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] } : path === '/v1/chat/completions' ? { model: name, messages: [{ role: 'user', content: 'hi' }] } : path === '/v1/completions' ? { model: name, prompt: 'hi' } : { model: name, input: 'hi' };
        const result = await post(path, JSON.stringify(body));
        expect(result.status, `${path} ${JSON.stringify(name.slice(0, 20))}`).toBe(400);
        expectEnvelope(result.body, wire);
        expect(result.headers.get('x-tollgate-model')).toBeNull();
      }
    }
    expect(h.mock.requests?.length ?? 0).toBe(before);
    // A legitimate long-ish name with the usual punctuation still works.
    const ok = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(ok.status).toBe(200);
  });
});
