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
 * The config file's admin keys were compared with the virtual keys' secrets, the operator's
 * TOLLGATE_ADMIN_KEY and TOLLGATE_VIEWER_KEY (from the environment) were not: a virtual key whose
 * secret was the admin key made every holder of that proxy key the root admin. Refused at start-up,
 * by `tollgate serve` and by startServer, without the secret in the message.
 */
describe('operator keys vs virtual key secrets', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const secret = 'operator-secret-0123456789';
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-operator-keys-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const config = (keySecret: string) => parseConfig({ ...demoConfig('http://127.0.0.1:9', 0), keys: [{ name: 'web', secret: keySecret }] }, {});

  it.each([
    ['adminKey', 'TOLLGATE_ADMIN_KEY'],
    ['viewerKey', 'TOLLGATE_VIEWER_KEY'],
  ] as const)('startServer refuses a virtual key whose secret is the %s', async (option, variable) => {
    const error = await startServer(config(secret), { dataDir: dataDir(), [option]: secret, defaultMetrics: false, log: () => {} }).then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`keys.web: same secret as ${variable}`);
    expect((error as Error).message).not.toContain(secret);
  });

  it('starts when the secrets differ, and the proxy key is no admin key', async () => {
    const server = await startServer(config(`${secret}-web`), { dataDir: dataDir(), adminKey: secret, defaultMetrics: false, log: () => {} });
    try {
      const asProxyKey = await fetch(`${server.url}/api/keys`, { headers: { authorization: `Bearer ${secret}-web` } });
      expect(asProxyKey.status).toBe(401);
      const asAdmin = await fetch(`${server.url}/api/keys`, { headers: { authorization: `Bearer ${secret}` } });
      expect(asAdmin.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('tollgate serve exits with the error before listening', () => {
    const dir = dataDir();
    const configPath = path.join(dir, 'tollgate.yaml');
    writeFileSync(configPath, ['server: { port: 0 }', 'providers:', '  mock: { kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1", apiKey: mock }', 'keys:', '  - { name: web, secret: "${WEB_KEY}" }', ''].join('\n'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'serve', '--config', configPath], {
      cwd: root,
      env: { ...process.env, TOLLGATE_DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '', WEB_KEY: secret, TOLLGATE_ADMIN_KEY: secret },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toContain('keys.web: same secret as TOLLGATE_ADMIN_KEY');
    expect(run.stderr + run.stdout).not.toContain(secret);
  });
});
