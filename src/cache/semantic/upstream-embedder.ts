import { createHash } from 'node:crypto';
import type { ProviderConfig } from '../../config/schema.ts';
import { normalise, type Embedder } from '../../language/embedder.ts';

/**
 * Embeddings from any OpenAI-compatible `/v1/embeddings` server (OpenAI, vLLM, Ollama, llama.cpp,
 * or the gateway's own upstreams). Vectors are L2-normalised so cosine is a dot product; the
 * dimension is learnt from the first answer. Every call is metered through `onUsage` (the runtime
 * writes it to the ledger as an `embedding` row of project `semantic-cache`).
 */
export interface UpstreamEmbedder extends Embedder {
  /** Called after every embeddings call with the tokens the upstream reported (undefined when it reported none), so the call is metered. */
  onUsage: ((inputTokens: number | undefined, text: string, startedAtMs: number) => void) | undefined;
}

export function createUpstreamEmbedder(provider: ProviderConfig, model: string, options: { timeoutMs?: number } = {}): UpstreamEmbedder {
  const url = `${provider.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...provider.headers };
  if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
  const embedder: UpstreamEmbedder = {
    onUsage: undefined,
    id: `upstream:${createHash('sha256').update(`${url}|${model}`).digest('hex').slice(0, 16)}`,
    dimensions: 0,
    async embed(text: string): Promise<Float32Array> {
      const startedAtMs = Date.now();
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model, input: text }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`embedder ${model}: upstream answered ${response.status}`);
      const body = (await response.json()) as { data?: Array<{ embedding?: unknown }>; usage?: { prompt_tokens?: unknown } };
      const tokens = body.usage?.prompt_tokens;
      embedder.onUsage?.(typeof tokens === 'number' ? tokens : undefined, text, startedAtMs);
      const raw = body.data?.[0]?.embedding;
      if (!Array.isArray(raw) || raw.length === 0 || !raw.every((v) => typeof v === 'number')) throw new Error(`embedder ${model}: no embedding in the answer`);
      const vector = normalise(Float32Array.from(raw as number[]));
      embedder.dimensions = vector.length;
      return vector;
    },
  };
  return embedder;
}
