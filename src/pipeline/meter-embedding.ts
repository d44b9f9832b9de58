import { randomUUID } from 'node:crypto';
import { createUsage } from '../domain/usage.ts';
import { meter } from './meter.ts';
import { estimateInputTokens } from '../domain/estimate.ts';
import type { Target } from '../domain/request.ts';
import type { PipelineDeps } from './types.ts';

/**
 * Ledger row for the gateway's own embeddings call (the semantic cache asking an upstream to embed
 * a prompt): org `tollgate`, project `semantic-cache`, so what the cache costs is counted beside
 * what it saves. Missing usage is estimated with the tokenizer and flagged.
 */
export function meterCacheEmbedding(deps: PipelineDeps, target: Target, inputTokens: number | undefined, text: string, startedAtMs: number): void {
  const body = { model: target.upstreamModel, input: text };
  const tokens = inputTokens ?? estimateInputTokens(body);
  meter(
    {
      id: `emb_${randomUUID().replace(/-/g, '')}`,
      receivedAtMs: startedAtMs,
      wire: 'openai',
      operation: 'embedding',
      body,
      headers: {},
      principal: { keyId: undefined, orgId: 'tollgate', projectId: 'semantic-cache', userId: undefined, tags: ['semantic-cache'], allow: { project: false, user: false, tags: false } },
      signal: undefined,
    },
    { target, servedModel: target.upstreamModel, usage: createUsage({ inputTotal: tokens, outputTotal: 0 }), estimated: inputTokens === undefined, status: 200, errorCode: null, ttftMs: null, stream: false },
    deps,
  );
}
