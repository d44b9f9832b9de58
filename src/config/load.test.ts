import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig, substituteEnv } from './load.ts';

const minimal = { providers: { openai: { kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: '${OPENAI_API_KEY}' } } };

describe('parseConfig', () => {
  it('fills defaults and substitutes environment variables', () => {
    const config = parseConfig(minimal, { OPENAI_API_KEY: 'sk-test' });
    expect(config.providers.openai?.apiKey).toBe('sk-test');
    expect(config.server.port).toBe(4000);
    expect(config.ledger.batchSize).toBe(500);
    expect(config.server.anonymous).toBeUndefined();
  });

  it('fails on a missing environment variable, naming where', () => {
    expect(() => parseConfig(minimal, {})).toThrow(/providers\.openai\.apiKey: environment variable OPENAI_API_KEY is not set/);
  });

  it('accepts ${VAR:-default}', () => {
    expect(substituteEnv('${NOPE:-fallback}', {})).toBe('fallback');
  });

  it('rejects typos at start-up (strict)', () => {
    expect(() => parseConfig({ ...minimal, servre: {} }, { OPENAI_API_KEY: 'x' })).toThrow(ConfigError);
    expect(() => parseConfig({ providers: { openai: { kind: 'opnai', baseUrl: 'https://x' } } }, {})).toThrow(/providers\.openai\.kind/);
  });

  it('checks references between sections', () => {
    const bad = { ...minimal, models: { fast: { target: 'gpt-4o-mini@nowhere' } } };
    expect(() => parseConfig(bad, { OPENAI_API_KEY: 'x' })).toThrow(/models\.fast: unknown provider in gpt-4o-mini@nowhere/);
    const badNode = { providers: { local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', node: 'gpu' } } };
    expect(() => parseConfig(badNode, {})).toThrow(/no pricing\.localNodes entry gpu/);
  });

  it('rejects negative prices and fixed costs', () => {
    const config = { ...minimal, pricing: { fixedCosts: [{ name: 'proxies', monthlyUsd: -20 }] } };
    expect(() => parseConfig(config, { OPENAI_API_KEY: 'x' })).toThrow(/pricing\.fixedCosts\.0\.monthlyUsd/);
  });
});

describe('loadConfigFile', () => {
  it('reads YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
    const file = join(dir, 'tollgate.yaml');
    writeFileSync(file, 'providers:\n  local:\n    kind: openai-compatible\n    baseUrl: http://127.0.0.1:11434/v1\ndefaultProvider: local\n');
    const config = loadConfigFile(file, {});
    expect(config.defaultProvider).toBe('local');
  });

  it('names the file when it cannot be read or parsed', () => {
    expect(() => loadConfigFile('/nonexistent/tollgate.yaml', {})).toThrow(/cannot read config file \/nonexistent\/tollgate.yaml/);
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'providers: [unclosed');
    expect(() => loadConfigFile(file, {})).toThrow(/not valid YAML/);
  });
});
