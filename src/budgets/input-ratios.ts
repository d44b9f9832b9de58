import type { LedgerRecord } from '../ledger/record.ts';
import { nearestRank } from './nearest-rank.ts';

/** Ratios kept per model and per org's use of it (rings: the newest), observations before a ratio is trusted, the quantile, its ceiling. */
const WINDOW = 1_000;
const ORG_WINDOW = 200;
const MIN_SAMPLES = 20;
const QUANTILE = 0.99;
const MAX_FACTOR = 8;
const MAX_KEYS = 5_000;
/** Tiny prompts say little about a tokenizer (a fixed template overhead dominates them). */
const MIN_ESTIMATE = 16;

interface Ring {
  ring: number[];
  next: number;
  factor: number | undefined;
  dirty: number;
}

/**
 * Per-model ratio of the input tokens the upstream reported to the gateway's own estimate (o200k
 * counting): another tokenizer, a chat template or a local model counts differently, and a
 * reservation that trusts the estimate lets concurrent requests overspend. The factor is the 99th
 * percentile of the last ratios, never below 1 (a reservation is never shrunk below the estimate)
 * and at most 8. It is learnt per org as well: an org with 20 answers from a model reserves with
 * its own ratio, so one tenant's unusual prompts (images the estimate cannot count) cannot inflate
 * another's reservations and push it into downgrades or refusals; an org new to the model uses the
 * model's ratio over everyone. Until a model has 20 answers the factor is 1.
 */
export class InputRatios {
  /** Per model, and per org then model (nested maps: no key string built per request). */
  private readonly byModel = new Map<string, Ring>();
  private readonly byOrg = new Map<string, Map<string, Ring>>();
  private rings = 0;

  observe(model: string, estimatedTokens: number, reportedTokens: number, orgId?: string): void {
    if (!model || !Number.isFinite(estimatedTokens) || !Number.isFinite(reportedTokens) || estimatedTokens < MIN_ESTIMATE || reportedTokens <= 0) return;
    const ratio = reportedTokens / estimatedTokens;
    this.push(this.byModel, model, ratio, WINDOW);
    if (orgId) {
      let models = this.byOrg.get(orgId);
      if (!models) {
        if (this.rings >= MAX_KEYS) return;
        this.byOrg.set(orgId, (models = new Map()));
      }
      this.push(models, model, ratio, ORG_WINDOW);
    }
  }

  private push(rings: Map<string, Ring>, model: string, ratio: number, window: number): void {
    let entry = rings.get(model);
    if (!entry) {
      if (this.rings >= MAX_KEYS) return; // bounded memory: at most 5,000 rings
      rings.set(model, (entry = { ring: [], next: 0, factor: undefined, dirty: 0 }));
      this.rings += 1;
    }
    if (entry.ring.length < window) entry.ring.push(ratio);
    else entry.ring[entry.next] = ratio;
    entry.next = (entry.next + 1) % window;
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
      if (body && typeof body === 'object' && !Array.isArray(body)) this.observe(model, estimate(body as Record<string, unknown>), row.inputTokens, row.orgId);
    }
  }

  /** What to multiply a model's input estimate by when reserving (the org's own ratio once it has one; 1 until the model has a history). */
  factor(model: string, orgId?: string): number {
    const own = orgId ? this.byOrg.get(orgId)?.get(model) : undefined;
    if (own && own.ring.length >= MIN_SAMPLES) return factorOf(own);
    const entry = this.byModel.get(model);
    return entry && entry.ring.length >= MIN_SAMPLES ? factorOf(entry) : 1;
  }

  /** Reserved input tokens for an estimate on a model. */
  reserve(model: string, estimatedTokens: number, orgId?: string): number {
    return Math.ceil(estimatedTokens * this.factor(model, orgId));
  }
}

/** Recomputed after every 20 new answers (a sort of at most 1,000 numbers). */
function factorOf(entry: Ring): number {
  if (entry.factor === undefined || entry.dirty >= MIN_SAMPLES) {
    const quantile = nearestRank(entry.ring, QUANTILE) ?? 1;
    entry.factor = Math.min(MAX_FACTOR, Math.max(1, quantile));
    entry.dirty = 0;
  }
  return entry.factor;
}
