import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/lib/children.ts';
import { descendantPids, isAlive, portIsFree, spawnCollecting, waitUntilReady } from './process-tools.ts';

const ADMIN_KEY = 'package-install-admin-key-0123456789';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The environment a newcomer has: none of this checkout's npm, Tollgate or service settings. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|TOLLGATE_|VITEST|NODE_OPTIONS$|DATABASE_URL$|REDIS_URL$|PORT$)/i.test(key)) continue;
    env[key] = value;
  }
  // The checkout's own bin folder must not answer for `tollgate`.
  env.PATH = (env.PATH ?? '').split(path.delimiter).filter((dir) => !dir.startsWith(root)).join(path.delimiter);
  return { ...env, ...extra };
}

/**
 * better-sqlite3's install script (`prebuild-install || node-gyp rebuild`) downloads a prebuilt
 * addon from GitHub, or compiles SQLite (about 6 minutes on the 2-core development machine). The
 * test hands prebuild-install a local "prebuild" made of the addon this checkout already built for
 * the same Node ABI, through prebuild-install's own `npm_config_<pkg>_local_prebuilds` setting: the
 * install script still runs, without network or compiler.
 */
function localPrebuildDir(work: string): string {
  const dir = path.join(work, 'prebuilds');
  const stage = path.join(work, 'prebuild-stage');
  mkdirSync(path.join(stage, 'build/Release'), { recursive: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), path.join(stage, 'build/Release/better_sqlite3.node'));
  const version = (JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("better-sqlite3/package.json"))'], { cwd: root, encoding: 'utf8' })) as { version: string }).version;
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', path.join(dir, name), '-C', stage, 'build']);
  return dir;
}

describe('the npm package, installed from its tarball in an empty folder', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'tollgate-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('packs only what the CLI needs; `npx tollgate --help` and `npx tollgate serve` (demo) work there, and SIGTERM leaves nothing behind', { timeout: 600_000 }, async () => {
    // 1. npm pack: bin/ and src/ (without tests), never test/ or bench/.
    const tarballName = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8', env: cleanEnv() }).trim().split('\n').at(-1)!;
    const tarball = path.join(work, tarballName);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).toContain('package/bin/tollgate.js');
    expect(files).toContain('package/src/cli/main.ts');
    expect(files).toContain('package/package.json');
    expect(files.filter((f) => /^package\/(test|bench|scripts|docs|\.ci)\//.test(f) || f.endsWith('.test.ts'))).toEqual([]);

    // 2. npm install <tarball> in an empty project (dependencies from the npm cache, or the registry).
    const app = path.join(work, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'newcomer', version: '1.0.0', private: true }));
    const installStarted = Date.now();
    execFileSync('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: cleanEnv({ npm_config_better_sqlite3_local_prebuilds: localPrebuildDir(work) }),
    });
    console.log(`package install: ${((Date.now() - installStarted) / 1000).toFixed(1)} s`);

    // 3. tollgate --help
    const help = execFileSync('npx', ['--no-install', 'tollgate', '--help'], { cwd: app, encoding: 'utf8', env: cleanEnv() });
    expect(help).toContain('usage: tollgate <command>');
    expect(help).toMatch(/serve\s+Start the gateway/);
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(execFileSync('npx', ['--no-install', 'tollgate', '--version'], { cwd: app, encoding: 'utf8', env: cleanEnv() }).trim()).toBe(version);

    // 4. npx tollgate serve: the demo (built-in mock upstream), answering the official client.
    const port = await freePort();
    const dataDir = path.join(work, 'data');
    const serve = spawnCollecting('npx', ['--no-install', 'tollgate', 'serve', '--port', String(port)], { cwd: app, env: cleanEnv({ TOLLGATE_DATA_DIR: dataDir, TOLLGATE_ADMIN_KEY: ADMIN_KEY }), cleanEnv: true });
    const url = `http://127.0.0.1:${port}`;
    let pids: number[] = [];
    try {
      await waitUntilReady(`${url}/healthz`, serve, 120_000);
      pids = descendantPids(serve.child.pid!);
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'demo', maxRetries: 0 });
      const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from a fresh install' }] }).withResponse();
      expect(data.choices[0]?.message.content).toContain('Hello from a fresh install');
      expect(response.headers.get('x-tollgate-request-id')).toBeTruthy();
      // The forecast worker (a worker thread loading the installed package's TypeScript through its tsx) answers.
      const forecast = await fetch(`${url}/api/cost/forecast?horizon=24h`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(forecast.status, serve.output()).toBe(200);
      expect(((await forecast.json()) as { model: string }).model).toBe('none');

      // 5. SIGTERM to npx: the gateway below it stops too, cleanly, and frees the port.
      serve.child.kill('SIGTERM');
      await serve.exited;
      const deadline = Date.now() + 30_000;
      while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pids.filter(isAlive), serve.output()).toEqual([]);
      console.log(serve.output().split('\n').filter((line) => line.startsWith('tollgate:')).join('\n'));
      expect(serve.output()).toContain('ledger flushed');
      expect(await portIsFree(port)).toBe(true);
    } finally {
      for (const pid of [serve.child.pid!, ...pids]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
