import { MAX_TIME_MS, MIN_TIME_MS } from './field-values.ts';
import type { ImportRow } from './import-row.ts';

const COUNTS = ['requests', 'inputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'cacheWrite1hTokens', 'outputTokens', 'reasoningTokens', 'latencyMs'] as const;

/**
 * The last check before a row is written, whatever parser made it: the reason it cannot be
 * imported, or undefined. Parsers already refuse most of these with a field name; this catches
 * what a parser let through and keeps the ledger's invariants (non-negative safe counts, cache
 * and reasoning within their totals, a model, a sane time).
 */
export function validateImportRow(row: ImportRow, defaultModel: string | undefined): string | undefined {
  if (!Number.isFinite(row.timeMs) || row.timeMs < MIN_TIME_MS || row.timeMs >= MAX_TIME_MS) return 'time outside 2000-2099';
  for (const name of COUNTS) {
    const value = row[name];
    if (!Number.isSafeInteger(value) || value < 0) return `${name}: not a non-negative integer (${value})`;
  }
  if (row.cacheReadTokens + row.cacheWriteTokens > row.inputTokens) return 'cache tokens exceed input tokens';
  if (row.cacheWrite1hTokens > row.cacheWriteTokens) return '1-hour cache writes exceed cache writes';
  if (row.reasoningTokens > row.outputTokens) return 'reasoning tokens exceed output tokens';
  for (const [unit, count] of Object.entries(row.units)) if (!(Number.isFinite(count) && count >= 0)) return `${unit}: not a non-negative number`;
  if (row.costNanoUsd !== undefined && !(Number.isSafeInteger(row.costNanoUsd) && row.costNanoUsd >= 0)) return 'cost: not a non-negative amount';
  if (!row.model && !defaultModel) return 'no model (map a model column or pass --model)';
  if (row.requests === 0 && row.costNanoUsd === undefined && row.inputTokens + row.outputTokens === 0) return 'empty row: no requests, tokens or cost';
  return undefined;
}
