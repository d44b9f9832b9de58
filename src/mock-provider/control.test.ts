import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from './index.ts';

let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const chat = { model: 'mock-small', messages: [{ role: 'user', content: 'hello' }] };

async function chatUsage(target: MockProvider, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${target.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await response.json()) as { usage: Record<string, unknown> };
  return json.usage;
}

describe('recording', () => {
  it('records method, path, headers and the parsed body, not control calls', async () => {
    await chatUsage(mock, chat, { 'x-tenant': 'a' });
    await fetch(`${mock.url}/_mock/health`);
    expect(mock.requests).toHaveLength(1);
    const [recorded] = mock.requests;
    expect(recorded).toMatchObject({ method: 'POST', path: '/chat/completions', body: chat });
    expect(recorded?.headers['x-tenant']).toBe('a');
    expect(typeof recorded?.receivedAtMs).toBe('number');
    const viaHttp = (await (await fetch(`${mock.url}/_mock/requests`)).json()) as { requests: unknown[] };
    expect(viaHttp.requests).toHaveLength(1);
  });

  it('keeps only the last N requests, and nothing when recording is off', async () => {
    const bounded = await startMockProvider({ maxRecordedRequests: 2 });
    const silent = await startMockProvider({ recordRequests: false });
    try {
      for (const content of ['a', 'b', 'c']) {
        await chatUsage(bounded, { ...chat, messages: [{ role: 'user', content }] });
        await chatUsage(silent, chat);
      }
      expect(bounded.requests.map((request) => (request.body as typeof chat).messages[0]?.content)).toEqual(['b', 'c']);
      expect(silent.requests).toHaveLength(0);
    } finally {
      await Promise.all([bounded.close(), silent.close()]);
    }
  });

  it('reset clears requests and restores the start-up defaults', async () => {
    const own = await startMockProvider({ defaults: { usage: { input: 5 } } });
    try {
      own.setDefaults({ usage: { input: 9 } });
      expect(await chatUsage(own, chat)).toMatchObject({ prompt_tokens: 9 });
      own.reset();
      expect(own.requests).toHaveLength(0);
      expect(await chatUsage(own, chat)).toMatchObject({ prompt_tokens: 5 });
    } finally {
      await own.close();
    }
  });
});

describe('directive sources', () => {
  it('merges defaults < x-mock-scenario < x-mock-* headers < body mock, usage field by field', async () => {
    mock.setDefaults({ usage: { input: 100, output: 10 } });
    expect(await chatUsage(mock, chat)).toMatchObject({ prompt_tokens: 100, completion_tokens: 10 });
    const headers = { 'x-mock-scenario': '{"usage":{"output":20}}', 'x-mock-usage': '{"cacheRead":30}' };
    expect(await chatUsage(mock, chat, headers)).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 30 } });
    const body = { ...chat, mock: { usage: { input: 1000 } } };
    expect(await chatUsage(mock, body, headers)).toMatchObject({ prompt_tokens: 1000, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 30 } });
  });

  it('setScenario applies a preset to every request', async () => {
    mock.setScenario('rate-limited');
    const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chat) });
    expect(response.status).toBe(429);
    mock.setScenario('ok');
    expect((await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chat) })).status).toBe(200);
    expect(() => mock.setScenario('nope' as 'ok')).toThrow(/unknown mock scenario/);
  });

  it('setDefaults with fail.times drives tests that cannot change bodies', async () => {
    mock.setDefaults({ fail: { status: 503, times: 1 } });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chat) })).status);
    }
    expect(statuses).toEqual([503, 200, 200]);
  });

  it('POST /_mock/defaults and /_mock/reset control a mock in another process', async () => {
    const set = await fetch(`${mock.url}/_mock/defaults`, { method: 'POST', body: JSON.stringify({ usage: { input: 42 } }) });
    expect(set.status).toBe(200);
    expect(await chatUsage(mock, chat)).toMatchObject({ prompt_tokens: 42 });
    await fetch(`${mock.url}/_mock/defaults`, { method: 'POST', body: JSON.stringify({ scenario: 'server-error' }) });
    expect((await fetch(`${mock.url}/chat/completions`, { method: 'POST', body: JSON.stringify(chat) })).status).toBe(500);
    const invalid = await fetch(`${mock.url}/_mock/defaults`, { method: 'POST', body: JSON.stringify({ usage: { inptu: 1 } }) });
    expect(invalid.status).toBe(400);
    await fetch(`${mock.url}/_mock/reset`, { method: 'POST' });
    expect(mock.requests).toHaveLength(0);
    expect((await fetch(`${mock.url}/chat/completions`, { method: 'POST', body: JSON.stringify(chat) })).status).toBe(200);
  });
});

describe('CLI', () => {
  it('starts on --port, prints its URL and stops on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--no-record'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line.toString())?.[0];
      expect(url).toBeDefined();
      const health = await fetch(`${url}/_mock/health`);
      expect(await health.json()).toEqual({ ok: true });
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
