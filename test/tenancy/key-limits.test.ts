import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * Issue #10 item 6 through the real gateway, the mock upstream and both official SDKs: requests and
 * tokens per minute, expiry, allowed models (as asked and as routed), caps on max_tokens and n.
 * The gateway's clock starts at a minute boundary and runs at real speed, so every rate window in
 * this file is the same one.
 */
const SECRETS = {
  rpm: 'tg-limit-rpm-two-per-minute-000000',
  tpm: 'tg-limit-tpm-300-per-minute-000000',
  expired: 'tg-limit-expired-yesterday-0000000',
  future: 'tg-limit-expires-next-year-0000000',
  mini: 'tg-limit-only-gpt-4o-mini-00000000',
  routed: 'tg-limit-mini-or-routes-000000000',
  capped: 'tg-limit-max-tokens-50-max-n-1-000',
} as const;

const START_MS = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;

function config(input: TollgateConfigInput): TollgateConfigInput {
  return {
    ...input,
    server: { ...input.server, anonymous: undefined },
    pricing: { overrides: [{ model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 }, { model: 'gpt-4o', inputPerMTokUsd: 10, outputPerMTokUsd: 10 }] },
    cache: { enabled: false },
    keys: [
      { name: 'rpm', secret: SECRETS.rpm, org: 'acme', project: 'rpm', requestsPerMinute: 2 },
      { name: 'tpm', secret: SECRETS.tpm, org: 'acme', project: 'tpm', tokensPerMinute: 300 },
      { name: 'expired', secret: SECRETS.expired, org: 'acme', expiresAt: new Date(START_MS - 86_400_000).toISOString() },
      { name: 'future', secret: SECRETS.future, org: 'acme', expiresAt: new Date(START_MS + 365 * 86_400_000).toISOString() },
      { name: 'mini', secret: SECRETS.mini, org: 'acme', allowedModels: ['gpt-4o-mini'] },
      { name: 'routed', secret: SECRETS.routed, org: 'acme', allowedModels: ['gpt-4o-mini', 'tollgate/*'] },
      { name: 'capped', secret: SECRETS.capped, org: 'acme', project: 'capped', maxTokens: 50, maxN: 1 },
    ],
    // 1,000 tokens at $1/M: the default 4,096-token worst case does not fit, the key's 50-token cap does.
    budgets: [{ id: 'capped-project', scope: 'project', org: 'acme', value: 'capped', period: 'daily', limitUsd: 0.001, thresholds: [{ percent: 100, action: 'block' }] }],
  };
}

const messages = [{ role: 'user' as const, content: 'hi' }];
const ask = (model = 'gpt-4o-mini', extra: Record<string, unknown> = {}) => withMock({ model, messages, ...extra }, { text: 'ok', usage: { input: 10, output: 20 } });

describe('per-key limits', () => {
  let h: Harness;
  const openai = (secret: string) => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secret, maxRetries: 0 });
  const anthropic = (secret: string) => new Anthropic({ baseURL: h.url, apiKey: secret, maxRetries: 0 });
  const raw = (secret: string, body: unknown) =>
    fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const startedAt = Date.now();
    h = await startHarness({ config, now: () => START_MS + (Date.now() - startedAt) });
  });
  afterAll(() => h.close());

  it('requests per minute: the third request in a minute is a 429 with retry-after, in each SDK envelope, and is not counted', async () => {
    await openai(SECRETS.rpm).chat.completions.create(ask());
    await anthropic(SECRETS.rpm).messages.create({ model: 'gpt-4o-mini', max_tokens: 20, messages });
    const refusal = await openai(SECRETS.rpm).chat.completions.create(ask()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (refusal as InstanceType<typeof OpenAI.RateLimitError>).headers;
    const retryAfter = Number(headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(headers?.get('x-should-retry')).toBe('true');
    expect((refusal as Error).message).toMatch(/2 requests per minute/);
    const anthropicRefusal = await anthropic(SECRETS.rpm).messages.create({ model: 'gpt-4o-mini', max_tokens: 20, messages }).catch((error: unknown) => error);
    expect(anthropicRefusal).toBeInstanceOf(Anthropic.RateLimitError);
    const body = (await (await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': SECRETS.rpm, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 20, messages }) })).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const rows = (await h.ledger()).filter((row) => row.projectId === 'rpm');
    expect(rows.filter((row) => row.status === 200)).toHaveLength(2);
    expect(rows.filter((row) => row.errorCode === 'rate_limited').length).toBeGreaterThanOrEqual(3);
  });

  it('tokens per minute count input plus the output bound, then the real usage; one request larger than the whole allowance is a 400', async () => {
    const client = openai(SECRETS.tpm);
    // Short answers: each request reserves ~110 tokens of the 300 but settles at the 30 it used, so five fit.
    for (let i = 0; i < 5; i += 1) {
      await client.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 100 }, { text: 'ok', usage: { input: 10, output: 20 } }));
    }
    // 150 used: one more full-length answer (110) fits, the next reservation does not.
    const full = () => client.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 100 }, { text: 'ok', usage: { input: 10, output: 100 } }));
    await full();
    const refusal = await full().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refusal as Error).message).toMatch(/300 tokens per minute/);
    const tooBig = await raw(SECRETS.tpm, { model: 'gpt-4o-mini', messages, max_tokens: 1000 });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'max_tokens' } });
  });

  it('an expired key is a 401 in both SDKs; one expiring later works', async () => {
    await expect(openai(SECRETS.expired).chat.completions.create(ask())).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const error = await anthropic(SECRETS.expired).messages.create({ model: 'gpt-4o-mini', max_tokens: 20, messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as Error).message).toMatch(/expired/);
    await expect(openai(SECRETS.future).chat.completions.create(ask())).resolves.toBeDefined();
  });

  it('allowed models: a model outside the list is a 403; routes only reach allowed targets', async () => {
    await expect(openai(SECRETS.mini).chat.completions.create(ask())).resolves.toBeDefined();
    const refusal = await openai(SECRETS.mini).chat.completions.create(ask('gpt-4o')).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(anthropic(SECRETS.mini).messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 20, messages })).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    // The route name itself must be allowed...
    await expect(openai(SECRETS.mini).chat.completions.create(ask('tollgate/quality-first'))).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    // ...and a route that would pick the best model only picks among the allowed ones.
    const { response } = await openai(SECRETS.routed).chat.completions.create(ask('tollgate/quality-first')).withResponse();
    expect(response.headers.get('x-tollgate-model')).toMatch(/^gpt-4o-mini/);
    const unrestricted = await openai(SECRETS.future).chat.completions.create(ask('tollgate/quality-first')).withResponse();
    expect(unrestricted.response.headers.get('x-tollgate-model')).not.toMatch(/^gpt-4o-mini/);
    // The model list shows only what the key may use.
    const listed = await openai(SECRETS.mini).models.list();
    expect(listed.data.map((model) => model.id)).toEqual(['gpt-4o-mini']);
    await expect(openai(SECRETS.mini).models.retrieve('gpt-4o')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await openai(SECRETS.future).models.list()).data.length).toBeGreaterThan(1);
    // A named model@provider outside the list is refused too.
    const direct = await raw(SECRETS.routed, { model: 'gpt-4o@mock-openai', messages });
    expect(direct.status).toBe(403);
    expect(await direct.json()).toMatchObject({ error: { type: 'permission_error', param: 'model' } });
  });

  it('max_tokens and n caps: over the cap is a 400 naming the field; no cap gets the key cap, which bounds output and the budget worst case', async () => {
    const over = await raw(SECRETS.capped, { model: 'gpt-4o-mini', messages, max_tokens: 51 });
    expect(over.status).toBe(400);
    expect(await over.json()).toMatchObject({ error: { param: 'max_tokens' } });
    const overN = await raw(SECRETS.capped, { model: 'gpt-4o-mini', messages, n: 3 });
    expect(overN.status).toBe(400);
    expect(await overN.json()).toMatchObject({ error: { param: 'n' } });
    // No max_tokens: the 4,096-token default worst case would not fit the $0.001 budget; with the key's cap of 50 it does,
    // and the upstream is told the cap (the mock's long answer is cut at 50 tokens).
    const { response } = await openai(SECRETS.capped)
      .chat.completions.create(withMock({ model: 'gpt-4o-mini', messages }, { text: 'word '.repeat(2000) }))
      .withResponse();
    const row = (await h.ledger()).find((r) => r.id === response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({ status: 200, outputTokens: 50 });
  });

  it('the admin API creates keys with limits and lists them; bad limits are a 400 naming the field', async () => {
    const created = await h.admin('/api/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'api-limited', org: 'acme', project: 'web', requestsPerMinute: 1, allowedModels: ['gpt-4o-mini'], maxTokens: 10, maxN: 1, tokensPerMinute: 1000, expiresAt: '2099-01-01T00:00:00Z', bodyLimitBytes: 65536 }),
    });
    expect(created.status).toBe(201);
    const { key, secret } = (await created.json()) as { key: { id: string; limits: Record<string, unknown>; expiresAt: string; allowAttributionHeaders: boolean }; secret: string };
    expect(key.limits).toEqual({ requestsPerMinute: 1, tokensPerMinute: 1000, expiresAtMs: Date.parse('2099-01-01T00:00:00Z'), allowedModels: ['gpt-4o-mini'], maxTokens: 10, maxN: 1, bodyLimitBytes: 65536 });
    expect(key.expiresAt).toBe('2099-01-01T00:00:00.000Z');
    expect(key.allowAttributionHeaders).toBe(false);
    const listed = (await (await h.admin('/api/keys')).json()) as { data: Array<{ id: string; limits: Record<string, unknown> }> };
    expect(listed.data.find((k) => k.id === key.id)?.limits).toEqual(key.limits);
    await expect(openai(secret).chat.completions.create(ask())).resolves.toBeDefined();
    await expect(openai(secret).chat.completions.create(ask())).rejects.toBeInstanceOf(OpenAI.RateLimitError);

    for (const bad of [{ requestsPerMinute: -1 }, { requestsPerMinute: 1.5 }, { expiresAt: 'tomorrow' }, { allowedModels: [] }, { maxN: null }, { __proto__: { maxN: 1 }, maxTokens: 'x' }]) {
      const response = await h.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'bad', ...bad }) });
      expect(response.status, JSON.stringify(bad)).toBe(400);
    }
    const proto = await h.admin('/api/keys', { method: 'POST', body: '{"name":"bad","__proto__":{"allowAttributionHeaders":true}}' });
    expect(proto.status).toBe(400);
    const huge = await h.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'bad', allowedModels: Array.from({ length: 300_000 }, (_, i) => `m${i}`) }) });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
  });
});
