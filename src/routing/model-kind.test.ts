import { describe, expect, it } from 'vitest';
import { modelKind } from './model-kind.ts';

describe('modelKind', () => {
  it('embedding models from the name or from input-only list prices; chat otherwise; config wins', () => {
    expect(modelKind({ upstreamModel: 'text-embedding-3-small' })).toMatchObject({ operations: ['embedding'], operationsSource: 'name', capabilities: { tools: 'no', vision: 'no', json: 'no' } });
    expect(modelKind({ upstreamModel: 'voyage-3', listRates: { inputPerMTokNanoUsd: 60e6, outputPerMTokNanoUsd: 0 } })).toMatchObject({ operations: ['embedding'], operationsSource: 'catalogue' });
    expect(modelKind({ upstreamModel: 'gpt-4o-mini', listRates: { inputPerMTokNanoUsd: 150e6, outputPerMTokNanoUsd: 600e6 } })).toMatchObject({
      operations: ['chat', 'messages', 'completion'],
      operationsSource: 'default',
      capabilities: { tools: 'unknown', vision: 'unknown', json: 'unknown' },
    });
    expect(modelKind({ upstreamModel: 'gpt-3.5-turbo-instruct' }).operations).toEqual(['completion']);
    // A free model (0/0) is not mistaken for an embedding model.
    expect(modelKind({ upstreamModel: 'llama3.1:8b', listRates: { inputPerMTokNanoUsd: 0, outputPerMTokNanoUsd: 0 } }).operations).toContain('chat');
    expect(modelKind({ upstreamModel: 'my-embedder-chat', operations: ['chat'], capabilities: { vision: true, tools: false } })).toMatchObject({
      operations: ['chat'],
      operationsSource: 'config',
      capabilities: { tools: 'no', vision: 'yes', json: 'unknown' },
    });
  });
});
