import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { GatewayError } from '../domain/errors.ts';
import { resolveTargets } from './resolve-target.ts';

const config = parseConfig(
  {
    providers: {
      openai: { kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
      local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' },
    },
    models: { fast: { target: 'gpt-4o-mini@openai', fallbacks: ['llama3@local'] } },
  },
  {},
);

describe('resolveTargets', () => {
  it('expands an alias into its chain', () => {
    const { chain } = resolveTargets(config, 'fast');
    expect(chain.map((t) => `${t.upstreamModel}@${t.providerId}`)).toEqual(['gpt-4o-mini@openai', 'llama3@local']);
  });

  it('gives each call its own chain array (parsed once per config): changing one leaves the next as configured', () => {
    const first = resolveTargets(config, 'fast').chain;
    first.reverse();
    first.push({ providerId: 'x', provider: config.providers.local!, upstreamModel: 'x' });
    const second = resolveTargets(config, 'fast').chain;
    expect(second).not.toBe(first);
    expect(second.map((t) => `${t.upstreamModel}@${t.providerId}`)).toEqual(['gpt-4o-mini@openai', 'llama3@local']);
    expect(second[0]!.provider).toBe(config.providers.openai);
  });

  it('addresses a provider explicitly with model@provider, keeping @ inside model names', () => {
    expect(resolveTargets(config, 'org/model@v2@local').chain[0]).toMatchObject({ upstreamModel: 'org/model@v2', providerId: 'local' });
  });

  it('is a 404 model_not_found without a default provider', () => {
    expect(() => resolveTargets(config, 'gpt-5')).toThrow(GatewayError);
    try {
      resolveTargets(config, 'gpt-5');
    } catch (error) {
      expect((error as GatewayError).status).toBe(404);
      expect((error as GatewayError).code).toBe('model_not_found');
    }
  });

  it('sends unknown names to the default provider when one is set', () => {
    const withDefault = { ...config, defaultProvider: 'local' };
    expect(resolveTargets(withDefault, 'qwen2.5:7b').chain[0]).toMatchObject({ upstreamModel: 'qwen2.5:7b', providerId: 'local' });
  });
});
