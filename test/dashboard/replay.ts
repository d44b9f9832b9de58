import { readFileSync } from 'node:fs';
import { hasSharedData, sharedDataPath } from '../support/shared-data.ts';

export const AZURE_CONV = 'azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv';

export interface TraceRequest {
  /** Offset from the trace's first request, ms. */
  offsetMs: number;
  input: number;
  output: number;
}

/**
 * A slice of the Azure LLM inference trace (real token counts and arrival gaps), or, without the data
 * set, a small synthetic replay of the same shape so the browser suite still stands.
 */
export function traceSlice(count: number): { requests: TraceRequest[]; source: string } {
  if (hasSharedData(AZURE_CONV)) {
    const lines = readFileSync(sharedDataPath(AZURE_CONV), 'utf8').trim().split('\n').slice(1, count + 1);
    const parsed = lines.map((line) => {
      const [timestamp, input, output] = line.split(',');
      return { timeMs: Date.parse(`${timestamp!.slice(0, 23).replace(' ', 'T')}Z`), input: Number(input), output: Number(output) };
    });
    const first = parsed[0]!.timeMs;
    return { requests: parsed.map((p) => ({ offsetMs: p.timeMs - first, input: p.input, output: p.output })), source: AZURE_CONV };
  }
  const requests = Array.from({ length: Math.min(count, 120) }, (_, i) => ({ offsetMs: i * 1_000, input: 200 + ((i * 379) % 1800), output: 20 + ((i * 97) % 400) }));
  return { requests, source: 'synthetic' };
}
