import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.ts';
import { configuredSecrets, redactUrl } from './configured-secrets.ts';

describe('configured secrets', () => {
  const config = parseConfig(
    {
      providers: {
        a: { kind: 'openai', baseUrl: 'https://user:p%40ssword-123@api.example.com/v1?key=query-secret-123&api-version=2024-02-01', apiKey: 'sk-provider-key-1', headers: { authorization: 'Bearer header-token-123', 'anthropic-version': '2023-06-01' } },
      },
      keys: [{ name: 'k', secret: 'tg-virtual-seed-000000' }],
      admin: { keys: [{ name: 'ops', secret: 'named-admin-secret-0000', role: 'viewer' }] },
      enforcement: { overrideToken: 'override-token-000000' },
      alerts: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET' },
    },
    {},
  );

  it('collects keys, credential headers, URL passwords and credential query values, admin keys, the override token and the webhook', () => {
    const secrets = configuredSecrets(config, { adminKey: 'root-admin-key-0000', databaseUrl: 'postgres://u:db-password-1@localhost/x', redisUrl: 'redis://127.0.0.1:6379' });
    for (const expected of ['sk-provider-key-1', 'Bearer header-token-123', 'header-token-123', 'p@ssword-123', 'query-secret-123', 'tg-virtual-seed-000000', 'named-admin-secret-0000', 'override-token-000000', '/services/T000/B000/XXXXSECRET', 'root-admin-key-0000', 'db-password-1']) {
      expect(secrets, expected).toContain(expected);
    }
    // Not credentials: protocol versions and API versions stay readable in logs.
    expect(secrets).not.toContain('2023-06-01');
    expect(secrets).not.toContain('2024-02-01');
  });

  it('redacts a URL for printing, keeping what is not a credential', () => {
    const printed = redactUrl(config.providers.a!.baseUrl);
    expect(printed).toBe('https://user:redacted@api.example.com/v1?key=redacted&api-version=2024-02-01');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
