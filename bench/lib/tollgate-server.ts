/**
 * What the overhead benchmarks run: Tollgate (a checkout of it) in its own process against a mock
 * provider, plain or with features on, and the request bodies (a different question every call).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, startChild, type Child } from './children.ts';

const tsxArgs = ['--import', 'tsx'];

/** A different question each call (so the exact and semantic caches miss every time), the same sequence for every subject. */
const TOPICS = ['Hamlet', 'Macbeth', 'Othello', 'King Lear', 'The Tempest', 'Twelfth Night', 'Richard III', 'Coriolanus', 'Antony and Cleopatra', 'Much Ado About Nothing', 'Measure for Measure', 'Cymbeline', 'Pericles', 'Titus Andronicus', 'Julius Caesar', 'As You Like It'];
const ASKS = ['Summarise the plot of', 'List the main characters of', 'Explain the central conflict in', 'Describe the ending of', 'What themes run through', 'Who is the villain of', 'Where is the setting of', 'Compare the opening and closing scenes of'];
const FORMS = ['in two sentences', 'as a bullet list', 'for a ten-year-old', 'in French', 'in one paragraph', 'with three quotations', 'as a haiku', 'in the style of a newspaper'];
export function bodies(stream: boolean): () => string {
  let n = 0;
  return () => {
    n += 1;
    // The JSON and the streamed sequences differ too: the cache serves one wire form from the other (a JSON answer
    // also answers the same question streamed), so a shared sequence would turn the stream runs into hits.
    const content = `${ASKS[n % ASKS.length]} ${TOPICS[Math.floor(n / ASKS.length) % TOPICS.length]} ${FORMS[Math.floor(n / (ASKS.length * TOPICS.length)) % FORMS.length]}? (request ${stream ? 's' : 'j'}${n.toString(36)})`;
    return JSON.stringify({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) });
  };
}

/**
 * `cwd`: run the Tollgate checked out there instead (BENCH_BASELINE: an older version side by side in the same run).
 * `nodeArgs`: extra node flags (e.g. `--cpu-prof`, which NODE_OPTIONS does not take).
 * `compiled`: run this compiled CLI entry (`…/src/cli/main.js`, from `tsc --rewriteRelativeImportExtensions`) with plain node instead of the sources through tsx.
 */
export type TollgateOptions = { budgets?: boolean; redis?: boolean; all?: boolean; cwd?: string; compiled?: string; nodeArgs?: string[] };

export async function startTollgate(mockUrl: string, dataDir: string, options: TollgateOptions = {}): Promise<Child> {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const configPath = path.join(dataDir, 'tollgate.yaml');
  const lines = [
    `server: { port: ${port}, host: 127.0.0.1, anonymous: { org: bench, project: bench } }`,
    `providers:`,
    `  mock: { kind: openai-compatible, baseUrl: "${mockUrl}/v1", apiKey: bench, priceProvider: openai }`,
    `  mock-b: { kind: openai-compatible, baseUrl: "${mockUrl}/v1", apiKey: bench, priceProvider: openai }`,
    `models:`,
    // All features: the model is an alias with a fallback (never needed: the cost measured is routing through it).
    options.all ? `  gpt-4o-mini: { target: gpt-4o-mini@mock, fallbacks: [gpt-4o-mini@mock-b] }` : `  gpt-4o-mini: { target: gpt-4o-mini@mock }`,
    // Exact cache (on by default everywhere) and the semantic cache in front of every request; every question differs, so both miss.
    ...(options.all ? [`cache: { enabled: true, semantic: { enabled: true } }`] : []),
  ];
  // Two budgets on every request (global and project), large enough never to refuse: the cost measured is the check itself.
  if (options.budgets || options.all) {
    lines.push(
      'budgets:',
      '  - { id: global-month, scope: global, period: monthly, limitUsd: 1000000 }',
      '  - { id: bench-day, scope: project, org: bench, value: bench, period: daily, limitUsd: 100000 }',
    );
  }
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  let redis: Child | undefined;
  if (options.redis) {
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
  }
  const child = await startChild({
    name: 'tollgate',
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), ...(options.compiled ? [options.compiled] : [...tsxArgs, 'src/cli/main.ts']), 'serve', '--config', configPath],
    cwd: options.cwd,
    env: { TOLLGATE_DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'production', REDIS_URL: redis ? redis.url.replace('http:', 'redis:') : '' },
    port,
    readyPath: '/healthz',
    // Compiling the sources through tsx takes long on a loaded machine.
    timeoutMs: 180_000,
  });
  return { ...child, stop: async () => { await child.stop(); await redis?.stop(); } };
}

async function startRedis(port: number): Promise<Child> {
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name: 'redis',
    url: `http://127.0.0.1:${port}`,
    process: child,
    stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
  };
}
