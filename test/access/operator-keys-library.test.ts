import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { createGateway } from '../../src/index.ts';

/**
 * The operator-key check (an operator key shared with a virtual key, the other operator key or a config
 * admin key) ran only in startServer and the CLI: the library's createGateway built a gateway on the same
 * config and keys without it. It runs where the runtime is created, before any storage is opened.
 */
describe('createGateway (library API) refuses shared operator secrets', () => {
  const secret = 'library-operator-secret-0123456789';
  const root = mkdtempSync(path.join(tmpdir(), 'tollgate-operator-library-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;
  const freshDir = () => path.join(root, `state-${count++}`);
  const config = (keySecret: string, adminSecret: string) =>
    parseConfig({ ...demoConfig('http://127.0.0.1:9', 0), keys: [{ name: 'web', secret: keySecret }], admin: { keys: [{ name: 'reader', secret: adminSecret, role: 'viewer' }] } }, {});

  it.each([
    ['a virtual key = TOLLGATE_ADMIN_KEY', config(secret, `${secret}-reader`), { adminKey: secret }, 'keys.web: same secret as TOLLGATE_ADMIN_KEY'],
    ['a virtual key = TOLLGATE_VIEWER_KEY', config(secret, `${secret}-reader`), { viewerKey: secret }, 'keys.web: same secret as TOLLGATE_VIEWER_KEY'],
    ['TOLLGATE_VIEWER_KEY = TOLLGATE_ADMIN_KEY', config(`${secret}-web`, `${secret}-reader`), { adminKey: secret, viewerKey: secret }, 'TOLLGATE_VIEWER_KEY: same secret as TOLLGATE_ADMIN_KEY'],
    ['an admin.keys secret = TOLLGATE_ADMIN_KEY', config(`${secret}-web`, secret), { adminKey: secret }, 'admin.keys.reader: same secret as TOLLGATE_ADMIN_KEY'],
  ])('refuses %s before opening storage, without the secret', async (_case, cfg, keys, expected) => {
    const dataDir = freshDir();
    const error = await createGateway(cfg, { dataDir, ...keys, defaultMetrics: false, log: () => {} }).then(
      async (gateway) => {
        await gateway.close();
        return undefined;
      },
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain(secret);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('builds the gateway when every secret differs', async () => {
    const gateway = await createGateway(config(`${secret}-web`, `${secret}-reader`), { dataDir: freshDir(), adminKey: secret, viewerKey: `${secret}-viewer`, defaultMetrics: false, log: () => {} });
    try {
      const response = await gateway.fetch(new Request('http://gateway/api/keys', { headers: { authorization: `Bearer ${secret}` } }));
      expect(response.status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});
