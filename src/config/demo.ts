import type { TollgateConfigInput } from './schema.ts';

/**
 * The built-in demo configuration used when neither `--config` nor `TOLLGATE_CONFIG` is given:
 * the gateway starts its own mock upstream (OpenAI and Anthropic wire formats) and accepts requests
 * without a key, attributed to the `demo` project. Prices are real list prices of the models the
 * mock pretends to be, so the cost headers are meaningful.
 */
export function demoConfig(mockBaseUrl: string, port: number): TollgateConfigInput {
  return {
    server: { port, host: '127.0.0.1', anonymous: { org: 'demo', project: 'demo' } },
    providers: {
      'mock-openai': { kind: 'openai-compatible', baseUrl: `${mockBaseUrl}/v1`, apiKey: 'mock', priceProvider: 'openai' },
      'mock-anthropic': { kind: 'anthropic', baseUrl: mockBaseUrl, apiKey: 'mock' },
    },
    models: {
      'gpt-4o-mini': { target: 'gpt-4o-mini@mock-openai' },
      'gpt-4o': { target: 'gpt-4o@mock-openai' },
      'text-embedding-3-small': { target: 'text-embedding-3-small@mock-openai' },
      'claude-3-5-haiku-latest': { target: 'claude-3-5-haiku-latest@mock-anthropic' },
    },
    defaultProvider: 'mock-openai',
    cache: { semantic: { enabled: true } },
  };
}
