import type { LedgerRecord } from '../ledger/record.ts';

export interface WarmCandidate {
  orgId: string;
  projectId: string;
  model: string;
  prompt: string;
  count: number;
}

/**
 * The `frequency` warm-up strategy: the prompts asked most often (per org and requested model,
 * case and whitespace folded), at least `minCount` times, most repeated first. Pure.
 */
export function mostRepeatedPrompts(
  rows: ReadonlyArray<Pick<LedgerRecord, 'orgId' | 'projectId' | 'requestedModel' | 'prompt' | 'status' | 'operation'>>,
  options: { top: number; minCount: number },
): WarmCandidate[] {
  const groups = new Map<string, WarmCandidate>();
  for (const row of rows) {
    if (!row.prompt || row.status !== 200 || row.operation !== 'chat') continue;
    const key = `${row.orgId}\u0000${row.requestedModel}\u0000${row.prompt.trim().replace(/\s+/g, ' ').toLowerCase()}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { orgId: row.orgId, projectId: row.projectId, model: row.requestedModel, prompt: row.prompt.trim(), count: 1 });
  }
  return [...groups.values()]
    .filter((group) => group.count >= options.minCount)
    .sort((a, b) => b.count - a.count || a.prompt.localeCompare(b.prompt))
    .slice(0, options.top);
}
