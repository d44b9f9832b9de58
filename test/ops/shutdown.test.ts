import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/lib/children.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { descendantPids, isAlive, portIsFree, spawnCollecting, waitUntilReady, type Spawned } from './process-tools.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Outcome {
  id: string | null;
  status: number;
  complete: boolean;
  startedBeforeSignal: boolean;
  endedAfterSignal: boolean;
}

/** One request as a client sees it: complete = a JSON body, or a stream that reached its closing cost comment. */
async function send(url: string, stream: boolean, n: number, signalled: () => boolean, mock: Record<string, unknown>): Promise<Outcome> {
  const startedBeforeSignal = !signalled();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: `request ${n}` }], mock }),
  });
  let complete = false;
  try {
    const text = await response.text();
    complete = stream ? text.includes('x-tollgate-cost-usd') : response.status === 200 && text.includes('"usage"');
  } catch {
    // cut mid-body
  }
  return { id: response.headers.get('x-tollgate-request-id'), status: response.status, complete, startedBeforeSignal, endedAfterSignal: signalled() };
}

function writeConfig(dir: string, mockUrl: string, port: number, extra: string[] = []): string {
  const file = path.join(dir, 'tollgate.yaml');
  writeFileSync(
    file,
    [
      `server: { port: ${port}, host: 127.0.0.1, anonymous: { org: test, project: shutdown }${extra.length ? `, ${extra.join(', ')}` : ''} }`,
      'providers:',
      `  mock: { kind: openai-compatible, baseUrl: "${mockUrl}/v1", apiKey: mock, priceProvider: openai }`,
      'models:',
      '  gpt-4o-mini: { target: gpt-4o-mini@mock }',
      '',
    ].join('\n'),
  );
  return file;
}

function ledgerIds(dataDir: string): Set<string> {
  const db = new Database(path.join(dataDir, 'tollgate.db'), { readonly: true });
  try {
    return new Set((db.prepare('SELECT id FROM ledger').all() as { id: string }[]).map((row) => row.id));
  } finally {
    db.close();
  }
}

describe('graceful shutdown of `npm start`', () => {
  let mock: MockProvider;
  const dirs: string[] = [];
  const started: Spawned[] = [];

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, recordRequests: false });
  });
  afterAll(async () => {
    for (const spawned of started) if (spawned.child.exitCode === null) spawned.child.kill('SIGKILL');
    await mock.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function startNpm(extra: string[] = []) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-shutdown-'));
    dirs.push(dataDir);
    const port = await freePort();
    const config = writeConfig(dataDir, mock.url, port, extra);
    const spawned = spawnCollecting('npm', ['start', '--silent'], { cwd: root, env: { TOLLGATE_CONFIG: config, TOLLGATE_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', PORT: '' } });
    started.push(spawned);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${url}/healthz`, spawned);
    return { dataDir, port, url, spawned };
  }

  it('SIGTERM to npm under load: in-flight requests finish, every answered request is in the SQLite ledger, exit 0, port free, no process left', { timeout: 120_000 }, async () => {
    const { dataDir, port, url, spawned } = await startNpm();
    const npmPid = spawned.child.pid!;
    const serverPids = descendantPids(npmPid);
    const describePids = (pids: number[]) => (pids.length ? execFileSync('ps', ['-o', 'pid,ppid,stat,cmd', '-p', pids.join(',')], { encoding: 'utf8' }) : '');
    const startedAs = describePids(serverPids);
    expect(serverPids.length).toBeGreaterThan(0);

    let signalled = false;
    const outcomes: Outcome[] = [];
    let attempts = 0;
    let stopLoad = false;
    const worker = async (n: number) => {
      while (!stopLoad) {
        attempts += 1;
        const stream = attempts % 2 === 0;
        try {
          // JSON answers take ~50 ms, streams ~10 chunks 40 ms apart: many are in flight at any moment.
          outcomes.push(await send(url, stream, n, () => signalled, stream ? { chunks: 10, chunkDelayMs: 40, usage: { input: 50, output: 10 } } : { latencyMs: 50, usage: { input: 50, output: 10 } }));
        } catch {
          if (signalled) return; // the listener is closed: refused, as it should be
        }
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, (_, n) => worker(n)));
    while (outcomes.length < 100) await new Promise((resolve) => setTimeout(resolve, 50));
    signalled = true;
    spawned.child.kill('SIGTERM');
    const exit = await Promise.race([spawned.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000))]);
    stopLoad = true;
    // A process reaped a moment after npm's own exit is not left behind; one still there after 5 s is.
    for (const deadline = Date.now() + 5_000; serverPids.some(isAlive) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    const leftBehind = serverPids.filter(isAlive);
    const leftAs = describePids(leftBehind);
    for (const pid of [npmPid, ...serverPids]) if (isAlive(pid)) process.kill(pid, 'SIGKILL'); // never leak one from a failing run
    await load;

    expect(exit, spawned.output()).toEqual({ code: 0, signal: null });
    expect(spawned.output()).toContain('SIGTERM received');
    expect(leftBehind, `processes that outlived npm:\n${leftAs}\nstarted as:\n${startedAs}`).toEqual([]);
    expect(await portIsFree(port)).toBe(true);

    const answered = outcomes.filter((o) => o.status === 200 && o.complete && o.id);
    const drained = answered.filter((o) => o.startedBeforeSignal && o.endedAfterSignal);
    // Requests in flight at the signal were let finish, not cut.
    expect(drained.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.startedBeforeSignal && o.endedAfterSignal && !o.complete)).toEqual([]);
    // Flushed on the way out: every answered request is in the store itself, nothing left to replay.
    const ids = ledgerIds(dataDir);
    const missing = answered.filter((o) => !ids.has(o.id!)).map((o) => o.id);
    console.log(spawned.output().split("\n").filter((l) => l.startsWith("tollgate:")).join("\n"));
    console.log(`shutdown: ${outcomes.length} answered, ${drained.length} finished after SIGTERM, ${ids.size} ledger rows, ${missing.length} missing`);
    expect(missing).toEqual([]);
    expect(readdirSync(dataDir).filter((f) => /spill/i.test(f))).toEqual([]);
  });

  it('SIGINT to the server itself: a stream longer than server.shutdownTimeoutMs is cut at the deadline, exit 0, and its row is not lost', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-shutdown-'));
    dirs.push(dataDir);
    const port = await freePort();
    const config = writeConfig(dataDir, mock.url, port, ['shutdownTimeoutMs: 300']);
    const run = () => {
      const spawned = spawnCollecting(process.execPath, [path.join(root, 'bin/tollgate.js'), 'serve', '--config', config], { env: { TOLLGATE_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', PORT: '' } });
      started.push(spawned);
      return spawned;
    };
    const first = run();
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${url}/healthz`, first);

    // A stream of 100 chunks 100 ms apart (10 s): still running when the 300 ms deadline passes.
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'a long story' }], mock: { chunks: 100, chunkDelayMs: 100 } }),
    });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-tollgate-request-id')!;
    const reader = response.body!.getReader();
    await reader.read(); // the stream is under way
    first.child.kill('SIGINT');
    let text = '';
    let cut = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch {
      cut = true;
    }
    const exit = await first.exited;
    expect(exit, first.output()).toEqual({ code: 0, signal: null });
    expect(first.output()).toMatch(/1 connection cut at the deadline/);
    expect(cut || !text.includes('[DONE]')).toBe(true);
    expect(await portIsFree(port)).toBe(true);

    // The cut stream was metered on its way out (into the store, or the spill file a restart replays).
    const second = run();
    await waitUntilReady(`${url}/healthz`, second);
    second.child.kill('SIGTERM');
    expect(await second.exited, second.output()).toEqual({ code: 0, signal: null });
    expect(ledgerIds(dataDir).has(id), `ledger row of the cut stream ${id}`).toBe(true);
  });
});
