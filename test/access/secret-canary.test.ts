import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/lib/children.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CANARY = `sk-canary-${randomBytes(16).toString('hex')}`;
const ADMIN = `canary-admin-${randomBytes(8).toString('hex')}`;
const TENANT = 'tg-canary-tenant-key-0000000000';

/** Every form of the canary a leak could take. */
const FORMS = [CANARY, Buffer.from(CANARY).toString('base64').replace(/=+$/, ''), Buffer.from(CANARY).toString('base64url'), CANARY.slice(10)];
const leaks = (text: string) => FORMS.filter((form) => text.includes(form));

/**
 * Deliverable 4, the secret canary: the upstream key is `sk-canary-…`, the upstream requires it and
 * echoes the request headers (so the key) back in answers, error bodies, in-stream error events and
 * a response header. Whatever path a request takes, the canary must not appear in any response body
 * or header, in the gateway's stdout/stderr, in /metrics, in a ledger row or in any file it writes.
 */
describe('secret canary', () => {
  let mock: MockProvider;
  let gateway: ChildProcess;
  let url: string;
  let dataDir: string;
  let configDir: string;
  let output = '';
  /** Everything any client received: bodies, error texts, headers. */
  const seen: string[] = [];

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, apiKey: CANARY });
    dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-canary-data-'));
    configDir = mkdtempSync(path.join(tmpdir(), 'tollgate-canary-config-'));
    const port = await freePort();
    const configPath = path.join(configDir, 'tollgate.yaml');
    writeFileSync(
      configPath,
      [
        `server: { port: ${port}, host: 127.0.0.1 }`,
        'providers:',
        `  up-openai: { kind: openai-compatible, baseUrl: "${mock.url}/v1?key=\${CANARY_KEY}", apiKey: "\${CANARY_KEY}", priceProvider: openai }`,
        `  up-anthropic: { kind: anthropic, baseUrl: "${mock.url}", apiKey: "\${CANARY_KEY}" }`,
        `  backup: { kind: openai-compatible, baseUrl: "${mock.url}/v1", apiKey: "\${CANARY_KEY}", priceProvider: openai, headers: { x-upstream-token: "\${CANARY_KEY}" } }`,
        'models:',
        '  gpt-4o-mini: { target: gpt-4o-mini@up-openai, fallbacks: [gpt-4o-mini@backup] }',
        '  claude-3-5-haiku-latest: { target: claude-3-5-haiku-latest@up-anthropic }',
        '  text-embedding-3-small: { target: text-embedding-3-small@up-openai }',
        `keys: [{ name: tenant, secret: "${TENANT}", org: tenant }]`,
        'ledger: { storeBodies: true }',
        'routing: { backoffMs: 1 }',
        '',
      ].join('\n'),
    );
    gateway = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'serve', '--config', configPath], {
      env: { ...process.env, CANARY_KEY: CANARY, TOLLGATE_DATA_DIR: dataDir, TOLLGATE_ADMIN_KEY: ADMIN, DATABASE_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    url = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries += 1) {
      if (gateway.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
      const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      if (tries > 300) throw new Error(`gateway did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    if (gateway && gateway.exitCode === null) gateway.kill('SIGKILL');
    await mock?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  });

  const openai = () =>
    new OpenAI({
      baseURL: `${url}/v1`,
      apiKey: TENANT,
      maxRetries: 0,
      fetch: async (input, init) => {
        const response = await fetch(input as string, init as RequestInit);
        seen.push(JSON.stringify([...response.headers]));
        return response;
      },
    });
  const anthropic = () =>
    new Anthropic({
      baseURL: url,
      apiKey: TENANT,
      maxRetries: 0,
      fetch: async (input, init) => {
        const response = await fetch(input as string, init as RequestInit);
        seen.push(JSON.stringify([...response.headers]));
        return response;
      },
    });
  /** Runs a call, keeping everything it returned or threw. */
  const capture = async (call: () => Promise<unknown>) => {
    try {
      const result = await call();
      if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
        for await (const event of result as AsyncIterable<unknown>) seen.push(JSON.stringify(event));
      } else {
        seen.push(JSON.stringify(result));
      }
      return 'ok';
    } catch (error) {
      seen.push(String(error), JSON.stringify(error));
      return 'error';
    }
  };
  const raw = async (pathname: string, body: unknown, key = TENANT) => {
    const response = await fetch(`${url}${pathname}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    seen.push(JSON.stringify([...response.headers]), text);
    return { status: response.status, text };
  };

  const messages = [{ role: 'user' as const, content: 'say something' }];
  const echo = (extra: Record<string, unknown> = {}) => ({ mock: { echoHeaders: true, ...extra } });

  it('the mock really does echo the key: a direct call shows the canary', async () => {
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages, ...echo({ fail: 500 }) }),
    });
    expect(await response.text()).toContain(CANARY);
    expect(response.headers.get('x-mock-echo')).toContain(CANARY);
  });

  it('OpenAI SDK: answers, streams, client errors, server errors with fallback, rate limits, in-stream errors', async () => {
    const client = openai();
    const create = (body: Record<string, unknown>) => () => client.chat.completions.create({ model: 'gpt-4o-mini', messages, ...body } as never);
    expect(await capture(create(echo()))).toBe('ok');
    expect(await capture(create({ stream: true, stream_options: { include_usage: true }, ...echo() }))).toBe('ok');
    expect(await capture(create({ temperature: 0, ...echo() }))).toBe('ok'); // cached
    expect(await capture(create({ temperature: 0, ...echo() }))).toBe('ok'); // served from the cache
    expect(await capture(create({ temperature: 0, stream: true, ...echo() }))).toBe('ok');
    expect(await capture(create(echo({ fail: { status: 500, times: 1 }, key: 'once' })))).toBe('ok'); // retried
    // Both attempts on the first target fail: the fallback (whose config adds an x-upstream-token header) answers.
    expect(await capture(create(echo({ fail: { status: 500, times: 2 }, key: 'twice' })))).toBe('ok');
    expect(await capture(create({ stream: true, ...echo({ fail: { status: 503, times: 2 }, key: 'twice-stream' }) }))).toBe('ok');
    for (const status of [400, 401, 403, 404, 413, 422, 429, 500, 503]) expect(await capture(create(echo({ fail: status })))).toBe('error');
    expect(await capture(create({ stream: true, ...echo({ errorAfterChunks: 2 }) }))).toBe('error');
    expect(await capture(create({ stream: true, ...echo({ fail: 500 }) }))).toBe('error');
    expect(await capture(() => client.completions.create({ model: 'gpt-4o-mini', prompt: 'hi', ...echo() } as never))).toBe('ok');
    expect(await capture(() => client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi', ...echo({ fail: 400 }) } as never))).toBe('error');
  });

  it('Anthropic SDK: native upstream and translated to an OpenAI upstream, answers, streams and errors', async () => {
    const client = anthropic();
    for (const model of ['claude-3-5-haiku-latest', 'gpt-4o-mini']) {
      const create = (body: Record<string, unknown>) => () => client.messages.create({ model, max_tokens: 64, messages, ...body } as never);
      expect(await capture(create(echo()))).toBe('ok');
      expect(await capture(create({ stream: true, ...echo() }))).toBe('ok');
      for (const status of [400, 401, 429, 500, 529]) expect(await capture(create(echo({ fail: status })))).toBe('error');
      expect(await capture(create({ stream: true, ...echo({ errorAfterChunks: 1 }) }))).toBe('error');
    }
  });

  it('raw HTTP: a raw error body, a text body, the models list', async () => {
    await raw('/v1/chat/completions', { model: 'gpt-4o-mini', messages, mock: { echoHeaders: true, fail: { status: 500, body: `raw upstream page Authorization: Bearer ${'${KEY}'}` } } });
    await raw('/v1/chat/completions', { model: 'gpt-4o-mini', messages, ...echo({ fail: 418 }) });
    await raw('/v1/messages', { model: 'claude-3-5-haiku-latest', max_tokens: 16, messages, stream: true, ...echo({ chunks: 3 }) });
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${TENANT}` } });
    seen.push(await models.text());
  });

  it('no response, log line, metric, ledger row or file on disk carries the canary', async () => {
    console.log(JSON.stringify({ capturedResponsesAndErrors: seen.length, carryingTheCanary: seen.filter((text) => leaks(text).length > 0).length }));
    expect(leaks(seen.join('\n'))).toEqual([]);
    // Sanity: the echo reached the clients (scrubbed), so the test did exercise the echo.
    expect(seen.join('\n')).toContain('[redacted]');
    expect(seen.length).toBeGreaterThan(40);
    expect(seen.join('\n')).toContain('fallback:gpt-4o-mini@backup');

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('tollgate_');
    expect(leaks(metrics)).toEqual([]);
    const ledger = await (await fetch(`${url}/api/ledger?limit=10000`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
    expect(JSON.parse(ledger).data.length).toBeGreaterThan(30);
    expect(leaks(ledger)).toEqual([]);

    // Stop the gateway (it flushes the ledger and cache to disk), then read every file it left.
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
    expect(output).toContain('tollgate listening on');
    expect(output).toContain('key=redacted');
    expect(leaks(output)).toEqual([]);
    const files = listFiles(dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(leaks(readFileSync(file).toString('latin1')), file).toEqual([]);
  }, 30_000);
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}
