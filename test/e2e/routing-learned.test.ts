import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/lib/children.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'test/routing/fixtures/router-labelled.jsonl');

/**
 * #11.10: the learned router is adoptable. `router train` explains its data format, reports
 * held-out accuracy, and `serve` starts without an artefact (warning, named fallback rule).
 * The real CLI, as separate processes.
 */
describe('learned router adoption (real CLI)', () => {
  let dir: string;
  let mock: MockProvider;
  let gateway: { process: ChildProcess; url: string; output: () => string } | undefined;

  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, TOLLGATE_DATA_DIR: dir, DATABASE_URL: '' } });
      return { code: 0, out: `${stdout}${stderr}` };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: `${e.stdout}${e.stderr}` };
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tollgate-learned-'));
    mock = await startMockProvider({ port: 0 });
  });
  afterAll(async () => {
    if (gateway && gateway.process.exitCode === null) {
      const exited = new Promise((resolve) => gateway!.process.once('exit', resolve));
      gateway.process.kill('SIGTERM');
      await exited;
    }
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('`router train` without --data prints a usage naming the formats (exit 2); --help documents the JSONL format', { timeout: 60_000 }, async () => {
    const missing = await cli(['router', 'train']);
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/needs --data/);
    expect(missing.out).toMatch(/"prompt": .*"label": 1/);
    expect(missing.out).toMatch(/weak_correct.*strong_correct/);
    const help = await cli(['router', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/JSON Lines, one labelled prompt per line/);
  });

  it('`router train --data file.jsonl` trains and prints accuracy, AUC and the strong share on the held-out part', { timeout: 60_000 }, async () => {
    const out = path.join(dir, 'trained.json');
    const trained = await cli(['router', 'train', '--data', fixture, '--out', out, '--strong-share', '0.5']);
    expect(trained.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const line = trained.out.split('\n').find((l) => l.startsWith('held-out'))!;
    expect(line).toMatch(/held-out \(\d+ prompts never trained on, \d+ needing the strong model\): accuracy [\d.]+%, AUC [\d.]+, strong share at the threshold [\d.]+%/);
    const json = JSON.parse((await cli(['router', 'train', '--data', fixture, '--out', out, '--strong-share', '0.5', '--json'])).out) as {
      format: string;
      nTrain: number;
      nHeldOut: number;
      heldOut: { n: number; accuracy: number; auc: number; strongShare: number };
    };
    expect(json.format).toBe('jsonl');
    expect(json.nTrain + json.nHeldOut).toBe(242);
    expect(json.heldOut.n).toBe(json.nHeldOut);
    expect(json.nHeldOut).toBeGreaterThan(30);
    // The fixture's hard and easy prompts are separable: the held-out part shows it.
    expect(json.heldOut.auc).toBeGreaterThan(0.9);
    expect(json.heldOut.accuracy).toBeGreaterThan(0.8);
    expect(json.heldOut.strongShare).toBeGreaterThan(0.2);
    expect(json.heldOut.strongShare).toBeLessThan(0.8);
  });

  it('`serve` with a learned route whose artefact is missing starts, warns, and routes by the named fallback rule', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const artefact = path.join(dir, 'not-yet-trained.json');
    const config = path.join(dir, 'tollgate.yaml');
    writeFileSync(
      config,
      [
        `server: { port: ${port}, host: 127.0.0.1, anonymous: { org: test, project: learned } }`,
        'providers:',
        `  mock: { kind: openai-compatible, baseUrl: "${mock.url}/v1", apiKey: mock, priceProvider: openai }`,
        'models:',
        '  strong: { target: gpt-4o@mock }',
        '  weak: { target: gpt-4o-mini@mock }',
        'routes:',
        `  smart: { strategy: learned, strong: strong, weak: weak, artefact: "${artefact}", fallbackRule: length, fallbackLengthTokens: 50 }`,
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', config], {
      cwd: root,
      env: { ...process.env, TOLLGATE_DATA_DIR: dir, TOLLGATE_ADMIN_KEY: 'admin-key-0123456789abcdef', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    gateway = { process: child, url, output: () => output };
    for (let i = 0; i < 300; i += 1) {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${output}`);
      const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output).toMatch(/warning: route 'smart' \(learned\): artefact .*not-yet-trained\.json does not exist; it routes by its fallback rule 'length/);
    expect(output).toMatch(/tollgate router train --data/);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'anonymous', maxRetries: 0 });
    const short = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(short.response.headers.get('x-tollgate-route')).toMatch(/^learned:weak fallback-rule=length/);
    expect(short.response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
    const long = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'explain this carefully '.repeat(40) }] }).withResponse();
    expect(long.response.headers.get('x-tollgate-route')).toMatch(/^learned:strong fallback-rule=length/);
    expect(long.response.headers.get('x-tollgate-model')).toBe('gpt-4o');
  });
});
