import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * #11.3: routing filters by operation (a chat never goes to an embedding model) and by capability,
 * where only a known "no" excludes a model: an image through a route is not refused because
 * nobody said the model sees images.
 */
describe('routing: operations and tri-state capabilities', () => {
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startHarness({
      config: (input, mockUrl) => ({
        ...input,
        providers: { ...input.providers, 'cpu-box': { kind: 'openai-compatible', baseUrl: `${mockUrl}/v1`, node: 'cpu-box' } },
        pricing: { localNodes: [{ id: 'cpu-box', hourlyUsd: 0.05 }] },
        // The demo config's models (gpt-4o-mini, gpt-4o, text-embedding-3-small, claude-3-5-haiku-latest) plus:
        models: {
          ...input.models,
          'nomic-embed': { target: 'nomic-embed-text@cpu-box' },
          'blind-local': { target: 'llama3.1:8b@cpu-box', contextWindow: 8_192, capabilities: { vision: false, tools: false } },
        },
        routes: {
          eyes: { strategy: 'cheapest', candidates: ['gpt-4o-mini', 'gpt-4o'] },
          'known-eyes': { strategy: 'cheapest', candidates: ['blind-local', 'gpt-4o-mini', 'gpt-4o'] },
        },
        cache: { enabled: false },
      }),
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  const messages = [{ role: 'user' as const, content: 'hello there' }];
  const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];

  it('tollgate/cheapest never sends a chat (with or without tools) to an embedding model', async () => {
    const plain = await client.chat.completions.create({ model: 'tollgate/cheapest', messages }).withResponse();
    expect(plain.response.headers.get('x-tollgate-model')).not.toMatch(/embed/);
    expect(plain.response.headers.get('x-tollgate-route')).toMatch(/text-embedding-3-small=operation/);
    expect(plain.data.choices[0]?.message).toBeDefined();
    const withTools = await client.chat.completions.create({ model: 'tollgate/cheapest', messages, tools }).withResponse();
    expect(withTools.response.headers.get('x-tollgate-model')).not.toMatch(/embed/);
    expect(withTools.response.headers.get('x-tollgate-route')).toMatch(/blind-local=tools/);
  });

  it('local-first keeps a short chat on the local chat model and never falls back to a local embedding model', async () => {
    const short = await client.chat.completions.create({ model: 'tollgate/local-first', messages }).withResponse();
    expect(short.response.headers.get('x-tollgate-model')).toBe('llama3.1:8b');
    expect(short.response.headers.get('x-tollgate-route')).toMatch(/nomic-embed=operation/);
  });

  it('an embedding request through a strategy only considers embedding models', async () => {
    const { response, data } = await client.embeddings.create({ model: 'tollgate/cheapest', input: 'hello' }).withResponse();
    expect(response.headers.get('x-tollgate-model')).toMatch(/embed/);
    expect(data.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('an image through a route is not refused when vision is unknown; a known "no" is skipped', async () => {
    const image = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'what is this?' }, { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }];
    const unknown = await client.chat.completions.create({ model: 'eyes', messages: image }).withResponse();
    expect(unknown.response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
    const known = await client.chat.completions.create({ model: 'known-eyes', messages: image }).withResponse();
    expect(known.response.headers.get('x-tollgate-route')).toMatch(/blind-local=vision/);
    expect(known.response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
  });

  it('the catalogue says what each model serves and what is known about it', async () => {
    const catalogue = (await (await h.admin('/api/routing/catalogue')).json()) as { data: Array<{ alias: string; operations: string[]; operationsSource: string; capabilities: Record<string, string> }> };
    expect(catalogue.data.find((e) => e.alias === 'text-embedding-3-small')).toMatchObject({ operations: ['embedding'], capabilities: { tools: 'no', vision: 'no', json: 'no' } });
    expect(catalogue.data.find((e) => e.alias === 'gpt-4o')).toMatchObject({ operations: ['chat', 'messages', 'completion'], capabilities: { tools: 'unknown', vision: 'unknown', json: 'unknown' } });
    expect(catalogue.data.find((e) => e.alias === 'blind-local')).toMatchObject({ capabilities: { tools: 'no', vision: 'no', json: 'unknown' } });
  });
});

describe('routing: model names that are Object.prototype keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
  });
  afterAll(async () => {
    await h.close();
  });

  it('are plain unknown names (default provider or 404), never a 500', async () => {
    const post = (model: string, headers: Record<string, string> = {}) =>
      fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
    for (const model of ['constructor', '__proto__', 'toString', 'tollgate/constructor', 'tollgate/__proto__', 'gpt-4o@constructor']) {
      const response = await post(model);
      expect(response.status, model).toBeLessThan(500);
      // The default provider serves unknown names as they are.
      expect(response.headers.get('x-tollgate-provider'), model).toBe('mock-openai');
    }
    for (const strategy of ['constructor', '__proto__']) expect((await post('gpt-4o-mini', { 'x-tollgate-strategy': strategy })).status).toBe(200);
  });
});
