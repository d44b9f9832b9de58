import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { startServer } from '../../src/server.ts';

/**
 * Among admin credentials the first match wins (TOLLGATE_ADMIN_KEY, TOLLGATE_VIEWER_KEY, then the
 * config's `admin.keys`): a TOLLGATE_VIEWER_KEY equal to TOLLGATE_ADMIN_KEY made every viewer the root
 * admin, and an `admin.keys` entry (a viewer, or an org-confined admin) whose secret was an operator key
 * was that operator instead. Refused at start-up, by startServer and `tollgate serve`, without the secret.
 */
describe('operator keys vs each other and vs the config admin keys', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const secret = 'operator-admin-secret-0123456789';
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-operator-admin-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const config = (adminSecret: string) =>
    parseConfig({ ...demoConfig('http://127.0.0.1:9', 0), keys: [], admin: { keys: [{ name: 'reader', secret: adminSecret, role: 'viewer' }] } }, {});

  async function startFailure(options: { adminKey?: string; viewerKey?: string }, adminSecret = `${secret}-reader`): Promise<unknown> {
    return startServer(config(adminSecret), { dataDir: dataDir(), ...options, defaultMetrics: false, log: () => {} }).then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (failure: unknown) => failure,
    );
  }

  it('startServer refuses TOLLGATE_VIEWER_KEY equal to TOLLGATE_ADMIN_KEY', async () => {
    const error = await startFailure({ adminKey: secret, viewerKey: secret });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('TOLLGATE_VIEWER_KEY: same secret as TOLLGATE_ADMIN_KEY');
    expect((error as Error).message).not.toContain(secret);
  });

  it.each([
    ['adminKey', 'TOLLGATE_ADMIN_KEY'],
    ['viewerKey', 'TOLLGATE_VIEWER_KEY'],
  ] as const)('startServer refuses an admin.keys secret equal to the %s', async (option, variable) => {
    const error = await startFailure({ [option]: secret }, secret);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`admin.keys.reader: same secret as ${variable}`);
    expect((error as Error).message).not.toContain(secret);
  });

  it('starts when every secret differs, and each key keeps its own role', async () => {
    const server = await startServer(config(`${secret}-reader`), { dataDir: dataDir(), adminKey: secret, viewerKey: `${secret}-viewer`, defaultMetrics: false, log: () => {} });
    try {
      const create = (key: string) => fetch(`${server.url}/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }) });
      expect((await create(secret)).status).toBe(201);
      expect((await create(`${secret}-viewer`)).status).toBe(403);
      expect((await create(`${secret}-reader`)).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  function serve(env: Record<string, string>, adminKeys: string[]) {
    const dir = dataDir();
    const configPath = path.join(dir, 'tollgate.yaml');
    writeFileSync(
      configPath,
      ['server: { port: 0 }', 'providers:', '  mock: { kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1", apiKey: mock }', ...(adminKeys.length ? ['admin:', '  keys:', ...adminKeys] : []), ''].join('\n'),
    );
    return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'serve', '--config', configPath], {
      cwd: root,
      env: { ...process.env, TOLLGATE_DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '', TOLLGATE_ADMIN_KEY: '', TOLLGATE_VIEWER_KEY: '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  it('tollgate serve exits with the error before listening: viewer key = admin key', () => {
    const run = serve({ TOLLGATE_ADMIN_KEY: secret, TOLLGATE_VIEWER_KEY: secret }, []);
    expect(run.status).not.toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toContain('TOLLGATE_VIEWER_KEY: same secret as TOLLGATE_ADMIN_KEY');
    expect(run.stderr + run.stdout).not.toContain(secret);
  });

  it('tollgate serve exits with the error before listening: admin.keys secret = admin key', () => {
    const run = serve({ TOLLGATE_ADMIN_KEY: secret, READER_KEY: secret }, ['    - { name: reader, role: viewer, secret: "${READER_KEY}" }']);
    expect(run.status).not.toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toContain('admin.keys.reader: same secret as TOLLGATE_ADMIN_KEY');
    expect(run.stderr + run.stdout).not.toContain(secret);
  });
});
