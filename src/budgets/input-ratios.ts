import type { LedgerRecord } from '../ledger/record.ts';

/** Ratios kept per model (a ring: the newest), observations before a ratio is trusted, the quantile, and its ceiling. */
const WINDOW = 1_000;
const MIN_SAMPLES = 20;
const QUANTILE = 0.99;
const MAX_FACTOR = 8;
/** Tiny prompts say little about a tokenizer (a fixed template overhead dominates them). */
const MIN_ESTIMATE = 16;

/**
 * Per-model ratio of the input tokens the upstream reported to the gateway's own estimate (o200k
 * counting): another tokenizer, a chat template or a local model counts differently, and a
 * reservation that trusts the estimate lets concurrent requests overspend. The factor is the 99th
 * percentile of the last 1,000 ratios, never below 1 (a reservation is never shrunk below the
 * estimate) and at most 8 (a few image-heavy prompts cannot make a model unbudgetable). Until a
 * model has 20 answers the factor is 1.
 */
export class InputRatios {
  private readonly samples = new Map<string, { ring: number[]; next: number; factor: number | undefined; dirty: number }>();

  observe(model: string, estimatedTokens: number, reportedTokens: number): void {
    if (!model || !Number.isFinite(estimatedTokens) || !Number.isFinite(reportedTokens) || estimatedTokens < MIN_ESTIMATE || reportedTokens <= 0) return;
    let entry = this.samples.get(model);
    if (!entry) {
      if (this.samples.size >= 10_000) return; // bounded: models come from config and upstream answers
      this.samples.set(model, (entry = { ring: [], next: 0, factor: undefined, dirty: 0 }));
    }
    const ratio = reportedTokens / estimatedTokens;
    if (entry.ring.length < WINDOW) entry.ring.push(ratio);
    else entry.ring[entry.next] = ratio;
    entry.next = (entry.next + 1) % WINDOW;
    entry.dirty += 1;
  }

  /** Rows of a ledger that kept request bodies (`ledger.storeBodies`): re-estimated and compared with what was reported. */
  seed(rows: readonly LedgerRecord[], modelOf: (row: LedgerRecord) => string | undefined, estimate: (body: Record<string, unknown>) => number): void {
    for (const row of rows) {
      if (row.status !== 200 || row.estimated || !row.requestBody || row.cacheStatus === 'hit' || row.cacheStatus === 'semantic-hit') continue;
      if (row.operation !== 'chat' && row.operation !== 'completion' && row.operation !== 'messages') continue;
      const model = modelOf(row);
      if (!model) continue;
      let body: unknown;
      try {
        body = JSON.parse(row.requestBody);
      } catch {
        continue;
      }
      if (body && typeof body === 'object' && !Array.isArray(body)) this.observe(model, estimate(body as Record<string, unknown>), row.inputTokens);
    }
  }

  /** What to multiply a model's input estimate by when reserving (1 until it has a history). */
  factor(model: string): number {
    const entry = this.samples.get(model);
    if (!entry || entry.ring.length < MIN_SAMPLES) return 1;
    // Recomputed after every 20 new answers (a sort of at most 1,000 numbers).
    if (entry.factor === undefined || entry.dirty >= MIN_SAMPLES) {
      const sorted = [...entry.ring].sort((a, b) => a - b);
      const quantile = sorted[Math.min(sorted.length - 1, Math.ceil(QUANTILE * sorted.length) - 1)] ?? 1;
      entry.factor = Math.min(MAX_FACTOR, Math.max(1, quantile));
      entry.dirty = 0;
    }
    return entry.factor;
  }

  /** Reserved input tokens for an estimate on a model. */
  reserve(model: string, estimatedTokens: number): number {
    return Math.ceil(estimatedTokens * this.factor(model));
  }
}
