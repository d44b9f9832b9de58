import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

/**
 * A config-seeded virtual key's id is derived from its secret: two keys sharing one secret were one
 * key (the second silently replaced the first's org, project and limits), and a virtual key whose
 * secret is also an admin key's gave its holder the admin API. Both are refused at start-up, without
 * the secret in the message.
 */
describe('config key secrets', () => {
  const base = demoConfig('http://127.0.0.1:9', 0);
  const shared = 'shared-secret-0123456789';

  function problem(input: object, env: NodeJS.ProcessEnv = {}): string {
    try {
      parseConfig(input, env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  }

  it('two virtual keys with the same secret (even through two environment variables) are refused', () => {
    const message = problem(
      { ...base, keys: [{ name: 'acme-web', secret: '${ACME_KEY}', org: 'acme' }, { name: 'globex-web', secret: '${GLOBEX_KEY}', org: 'globex' }] },
      { ACME_KEY: shared, GLOBEX_KEY: shared },
    );
    expect(message).toMatch(/keys\.globex-web: same secret as key acme-web/);
    expect(message).not.toContain(shared);
  });

  it('a virtual key whose secret is an admin key secret is refused', () => {
    const message = problem({ ...base, keys: [{ name: 'web', secret: shared }], admin: { keys: [{ name: 'ops', secret: shared }] } });
    expect(message).toMatch(/admin\.keys\.ops: same secret as virtual key web/);
    expect(message).not.toContain(shared);
  });

  it('distinct secrets are accepted', () => {
    const config = parseConfig({ ...base, keys: [{ name: 'a', secret: `${shared}-a` }, { name: 'b', secret: `${shared}-b` }], admin: { keys: [{ name: 'ops', secret: `${shared}-ops` }] } }, {});
    expect(config.keys.map((key) => key.name)).toEqual(['a', 'b']);
  });
});
