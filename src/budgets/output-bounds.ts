import type { LedgerRecord } from '../ledger/record.ts';
import { nearestRank } from './nearest-rank.ts';

/** Samples kept per model (a ring: the newest), observations before a bound is trusted, and the safety margin. */
const WINDOW = 1_000;
const MIN_SAMPLES = 50;
const QUANTILE = 0.995;
const MARGIN = 1.25;

/**
 * Per-model output-token bounds learnt from what the models actually produced, for reservations of
 * requests that set no max_tokens: the 99.5th percentile of the last 1,000 answers, plus 25%.
 * Until a model has 50 answers the configured default applies. A bound is a reservation, not a
 * cap: an answer longer than it overshoots its budget by the difference (rare by construction).
 */
export class OutputBounds {
  private readonly samples = new Map<string, { ring: number[]; next: number; bound: number | undefined; dirty: number }>();

  observe(model: string, outputTokens: number): void {
    if (!model || !Number.isFinite(outputTokens) || outputTokens < 0) return;
    let entry = this.samples.get(model);
    if (!entry) this.samples.set(model, (entry = { ring: [], next: 0, bound: undefined, dirty: 0 }));
    if (entry.ring.length < WINDOW) entry.ring.push(outputTokens);
    else entry.ring[entry.next] = outputTokens;
    entry.next = (entry.next + 1) % WINDOW;
    entry.dirty += 1;
  }

  /** Successful, metered answers of chat, completion and messages requests from the ledger, keyed by `modelOf` (the target's upstream model). */
  seed(rows: readonly LedgerRecord[], modelOf: (row: LedgerRecord) => string | undefined): void {
    for (const row of rows) {
      if (row.status !== 200 || row.estimated || row.cacheStatus === 'hit' || row.cacheStatus === 'semantic-hit') continue;
      if (row.operation !== 'chat' && row.operation !== 'completion' && row.operation !== 'messages') continue;
      const model = modelOf(row);
      if (model) this.observe(model, row.outputTokens);
    }
  }

  /** The learnt bound for a model, or undefined while it has too few answers. */
  bound(model: string): number | undefined {
    const entry = this.samples.get(model);
    if (!entry || entry.ring.length < MIN_SAMPLES) return undefined;
    // Recomputed after every 50 new answers (a sort of at most 1,000 numbers).
    if (entry.bound === undefined || entry.dirty >= MIN_SAMPLES) {
      const quantile = nearestRank(entry.ring, QUANTILE) ?? 0;
      entry.bound = Math.max(1, Math.ceil(quantile * MARGIN));
      entry.dirty = 0;
    }
    return entry.bound;
  }
}
