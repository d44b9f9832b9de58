import { createHash } from 'node:crypto';
import { createUsage, type Usage } from '../../domain/usage.ts';
import type { LedgerRecord } from '../../ledger/record.ts';
import type { Cost, PriceBook } from '../../pricing/price-book.ts';
import type { ImportRow } from './import-row.ts';

export interface ImportDefaults {
  /** Used when the row has none. */
  orgId: string;
  projectId: string;
  model: string | undefined;
  provider: string | undefined;
}

/** Ledger id of an imported row: the format and the row's natural key, hashed, so a re-import hits the same ids. */
export function importedId(format: string, naturalKey: string): string {
  return `imp_${createHash('sha256').update(format).update('\u0000').update(naturalKey).digest('hex').slice(0, 32)}`;
}

/**
 * Prices a row the export gave no cost for. Exports are aggregates (a bucket of N requests), and a
 * long-context tier applies per request, so the total usage is priced as one request only when that
 * agrees with N times the mean request (no tier crossed apart); otherwise N times the mean request's
 * cost is used. Each is exact integer nano-USD; the second rounds each mean token count.
 */
export function priceImported(row: ImportRow, usage: Usage, priceBook: PriceBook, provider: string): Cost {
  const query = { model: row.model, providerId: provider, priceProviderId: provider, timeMs: row.timeMs, batch: row.batch };
  const total = priceBook.cost(usage, query);
  if (!total.priced || row.requests <= 1) return total;
  const n = row.requests;
  const mean = priceBook.cost(
    createUsage({
      inputTotal: Math.round(row.inputTokens / n),
      cacheRead: Math.round(row.cacheReadTokens / n),
      cacheWrite: Math.round(row.cacheWriteTokens / n),
      cacheWrite1h: Math.round(row.cacheWrite1hTokens / n),
      outputTotal: Math.round(row.outputTokens / n),
      reasoning: Math.round(row.reasoningTokens / n),
      units: Object.fromEntries(Object.entries(row.units).map(([unit, count]) => [unit, count / n])),
    }),
    query,
  );
  const scaled = mean.totalNanoUsd * n;
  // A tier doubles a rate; rounding the mean moves the total by well under 10%.
  if (Math.abs(scaled - total.totalNanoUsd) <= Math.max(n, total.totalNanoUsd * 0.1)) return total;
  return { ...mean, inputNanoUsd: mean.inputNanoUsd * n, outputNanoUsd: mean.outputNanoUsd * n, totalNanoUsd: scaled };
}

/** The ledger record of a validated import row: priced when the export had no cost, marked with its origin. */
export function toLedgerRecord(row: ImportRow, format: string, defaults: ImportDefaults, priceBook: PriceBook): LedgerRecord {
  const model = row.model || defaults.model || 'unknown';
  const provider = row.provider ?? defaults.provider ?? null;
  const usage = createUsage({
    inputTotal: row.inputTokens,
    cacheRead: row.cacheReadTokens,
    cacheWrite: row.cacheWriteTokens,
    cacheWrite1h: row.cacheWrite1hTokens,
    outputTotal: row.outputTokens,
    reasoning: row.reasoningTokens,
    units: row.units,
  });
  let inputCost = 0;
  let outputCost = 0;
  let cost = row.costNanoUsd;
  let priced = cost !== undefined;
  if (cost === undefined) {
    const found = priceImported({ ...row, model }, usage, priceBook, provider ?? '');
    priced = found.priced;
    inputCost = found.inputNanoUsd;
    outputCost = found.outputNanoUsd;
    cost = found.totalNanoUsd;
  }
  return {
    id: importedId(format, row.naturalKey),
    timeMs: row.timeMs,
    orgId: row.orgId ?? defaults.orgId,
    projectId: row.projectId ?? defaults.projectId,
    userId: row.userId,
    keyId: row.keyId,
    tags: row.tags,
    operation: row.operation,
    wire: row.wire,
    stream: false,
    requestedModel: model,
    servedModel: model,
    provider,
    inputTokens: row.inputTokens,
    cacheReadTokens: usage.input.cacheRead,
    cacheWriteTokens: usage.input.cacheWrite,
    outputTokens: row.outputTokens,
    reasoningTokens: usage.output.reasoning,
    units: row.units,
    inputCostNanoUsd: inputCost,
    outputCostNanoUsd: outputCost,
    costNanoUsd: cost,
    priced,
    estimated: false,
    latencyMs: row.latencyMs,
    ttftMs: null,
    status: row.status,
    errorCode: row.status >= 400 ? 'imported_failure' : null,
    cacheStatus: null,
    savedNanoUsd: 0,
    route: null,
    budgetAction: null,
    quality: null,
    cacheKey: null,
    prompt: null,
    requestBody: null,
    origin: `import:${format}`,
    requests: row.requests,
  };
}
