import type { TollgateConfigInput } from '../../src/config/schema.ts';

/**
 * The demo config with a local CPU node served by the mock (`local` → llama3.1:8b on `cpu-box`,
 * priced by the hour) beside a cloud model (`cloud` → gpt-4o-mini), and the local-share guard at
 * `target` per day.
 */
export function localShareConfig(input: TollgateConfigInput, mockUrl: string, target: number): TollgateConfigInput {
  return {
    ...input,
    providers: { ...input.providers, 'cpu-box': { kind: 'openai-compatible', baseUrl: `${mockUrl}/v1`, node: 'cpu-box' } },
    models: { local: { target: 'llama3.1:8b@cpu-box' }, cloud: { target: 'gpt-4o-mini@mock-openai' } },
    pricing: { localNodes: [{ id: 'cpu-box', hourlyUsd: 0.05 }] },
    localShare: { target, period: 'daily' },
  };
}
