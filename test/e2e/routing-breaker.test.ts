import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * The circuit breaker counts only the target's own failures (transport, timeouts, 5xx, 429):
 * one tenant's malformed requests must not push every tenant onto a dearer fallback.
 */
describe('routing: breaker isolation, state and tried targets', () => {
  let h: Harness;
  let primary: MockProvider;
  let tenantA: OpenAI;
  let tenantB: OpenAI;
  const secretA = 'sk-tenant-a-0123456789abcdef';
  const secretB = 'sk-tenant-b-0123456789abcdef';

  beforeAll(async () => {
    primary = await startMockProvider({ port: 0 });
    h = await startHarness({
      config: (input) => ({
        ...input,
        providers: { ...input.providers, primary: { kind: 'openai-compatible', baseUrl: `${primary.url}/v1`, priceProvider: 'openai' } },
        models: {
          ...input.models,
          mini: { target: 'gpt-4o-mini@primary', fallbacks: ['gpt-4o@mock-openai'] },
        },
        keys: [
          { name: 'a', secret: secretA, org: 'org-a' },
          { name: 'b', secret: secretB, org: 'org-b' },
        ],
        cache: { enabled: false },
        routing: { attemptsPerTarget: 2, backoffMs: 1, breakerThreshold: 3, breakerCooldownMs: 60_000 },
      }),
    });
    tenantA = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secretA, maxRetries: 0 });
    tenantB = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secretB, maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await primary.close();
  });
  beforeEach(() => primary.reset());

  const messages = [{ role: 'user' as const, content: 'hello there' }];

  it('#10.9 a request the gateway cannot build is a 400 to its sender and does not open the breaker for other orgs', async () => {
    // stream_options nested too deep to serialise: building the upstream request fails.
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secretA}`, 'content-type': 'application/json' },
        body: `{"model":"mini","messages":${JSON.stringify(messages)},"stream":true,"stream_options":${deep}}`,
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { type: string; message: string } };
      expect(body.error.type).toBe('invalid_request_error');
    }
    const { response } = await tenantB.chat.completions.create({ model: 'mini', messages }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('primary');
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
  });

  it('#10.9 upstream 400s (the client\'s fault) never open the breaker', async () => {
    primary.setDefaults({ fail: { status: 400, message: 'temperature must be between 0 and 2' } });
    for (let i = 0; i < 4; i += 1) {
      const error = await tenantA.chat.completions.create({ model: 'mini', messages }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    }
    primary.setDefaults({});
    const { response } = await tenantB.chat.completions.create({ model: 'mini', messages }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('primary');
    const breakers = (await (await h.admin('/api/routing/breakers')).json()) as { data: Array<{ target: string; state: string; failures: number }> };
    expect(breakers.data.find((b) => b.target === 'gpt-4o-mini@primary')).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('#11.9 upstream 5xx open the breaker, which the API and /metrics show; a final 5xx names every target tried and why', async () => {
    primary.setDefaults({ fail: { status: 500 } });
    // Two attempts per request: the second request reaches the threshold (3) and opens the circuit.
    for (let i = 0; i < 2; i += 1) {
      const { response } = await tenantA.chat.completions.create({ model: 'mini', messages }).withResponse();
      expect(response.headers.get('x-tollgate-provider')).toBe('mock-openai');
    }
    const breakers = (await (await h.admin('/api/routing/breakers')).json()) as {
      data: Array<{ target: string; state: string; failures: number; openedAtMs: number | null; reopensAtMs: number | null }>;
    };
    const open = breakers.data.find((b) => b.target === 'gpt-4o-mini@primary')!;
    expect(open).toMatchObject({ state: 'open', failures: 4 });
    expect(open.reopensAtMs! - open.openedAtMs!).toBe(60_000);
    expect(breakers.data.find((b) => b.target === 'gpt-4o@mock-openai')).toMatchObject({ state: 'closed' });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/tollgate_breaker_state\{target="gpt-4o-mini@primary"\} 2/);
    expect(metrics).toMatch(/tollgate_breaker_state\{target="gpt-4o@mock-openai"\} 0/);

    // Now the fallback fails too: the 5xx names both targets and why each was not used.
    h.mock.setDefaults({ fail: { status: 500 } });
    const response = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mini', messages }),
    }).finally(() => h.mock.setDefaults({}));
    expect(response.status).toBe(502);
    expect(response.headers.get('x-tollgate-tried')).toBe('gpt-4o-mini@primary=circuit_open, gpt-4o@mock-openai=upstream_error');
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('tried: gpt-4o-mini@primary=circuit_open, gpt-4o@mock-openai=upstream_error');
  });
});

describe('routing: a half-open trial that fails by the client\'s fault', () => {
  let h: Harness;
  let primary: MockProvider;
  let client: OpenAI;

  beforeAll(async () => {
    primary = await startMockProvider({ port: 0 });
    h = await startHarness({
      config: (input) => ({
        ...input,
        providers: { ...input.providers, primary: { kind: 'openai-compatible', baseUrl: `${primary.url}/v1`, priceProvider: 'openai' } },
        models: { ...input.models, mini: { target: 'gpt-4o-mini@primary', fallbacks: ['gpt-4o@mock-openai'] } },
        cache: { enabled: false },
        routing: { attemptsPerTarget: 1, backoffMs: 1, breakerThreshold: 1, breakerCooldownMs: 150 },
      }),
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await primary.close();
  });

  const messages = [{ role: 'user' as const, content: 'hello there' }];

  it('does not leave the circuit open for good: the next call is the trial and closes it', async () => {
    primary.setDefaults({ fail: { status: 500 } });
    await client.chat.completions.create({ model: 'mini', messages });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The half-open trial meets a client error (the upstream says 400): no verdict on the target.
    primary.setDefaults({ fail: { status: 400, message: 'temperature must be between 0 and 2' } });
    const bad = await client.chat.completions.create({ model: 'mini', messages }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    primary.setDefaults({});
    const { response } = await client.chat.completions.create({ model: 'mini', messages }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('primary');
    const breakers = (await (await h.admin('/api/routing/breakers')).json()) as { data: Array<{ target: string; state: string }> };
    expect(breakers.data.find((b) => b.target === 'gpt-4o-mini@primary')?.state).toBe('closed');
  });
});
