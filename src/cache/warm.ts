import type { LedgerRecord } from '../ledger/record.ts';

export interface WarmCandidate {
  orgId: string;
  projectId: string;
  model: string;
  prompt: string;
  count: number;
  /** The request as it was sent (JSON), when the ledger kept it: replayed as is, so its exact key matches. */
  body: string | null;
  wire: LedgerRecord['wire'];
  operation: LedgerRecord['operation'];
}

type Row = Pick<LedgerRecord, 'orgId' | 'projectId' | 'requestedModel' | 'prompt' | 'status' | 'operation' | 'cacheKey' | 'requestBody' | 'wire'>;

/**
 * The `frequency` warm-up strategy: the requests asked most often, at least `minCount` times, most
 * repeated first. Rows with a stored body group by their exact-cache key (the same request, whatever
 * the key order or spacing); rows with only a prompt group per org, model and folded prompt. Pure.
 */
export function mostRepeatedPrompts(rows: readonly Row[], options: { top: number; minCount: number }): WarmCandidate[] {
  const groups = new Map<string, WarmCandidate>();
  for (const row of rows) {
    if (!row.prompt || row.status !== 200 || (row.operation !== 'chat' && row.operation !== 'messages')) continue;
    const key = row.requestBody && row.cacheKey ? `key\u0000${row.cacheKey}` : `prompt\u0000${row.orgId}\u0000${row.requestedModel}\u0000${row.prompt.trim().replace(/\s+/g, ' ').toLowerCase()}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else
      groups.set(key, {
        orgId: row.orgId,
        projectId: row.projectId,
        model: row.requestedModel,
        prompt: row.prompt.trim(),
        count: 1,
        body: row.requestBody && row.cacheKey ? row.requestBody : null,
        wire: row.requestBody && row.cacheKey ? row.wire : 'openai',
        operation: row.requestBody && row.cacheKey ? row.operation : 'chat',
      });
  }
  return [...groups.values()]
    .filter((group) => group.count >= options.minCount)
    .sort((a, b) => b.count - a.count || a.prompt.localeCompare(b.prompt))
    .slice(0, options.top);
}
