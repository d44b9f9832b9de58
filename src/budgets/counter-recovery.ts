import type { BudgetConfig } from '../config/schema.ts';
import type { LedgerStore } from '../ledger/store.ts';
import type { BudgetCounters, SettleSpend } from './counters/types.ts';
import type { LocalShareGuard } from './local-share.ts';
import { scopeFilter } from './scope-filter.ts';
import { budgetWindow, bucketRange, ttlSeconds } from './windows.ts';

export interface CounterRecoveryOptions {
  counters: BudgetCounters;
  log: (line: string) => void;
  /** Commits pending ledger rows (before counters are rebuilt from the ledger). */
  flushLedger?: (() => Promise<void>) | undefined;
  /** Seeds every budget's current buckets from the ledger; returns the buckets that were missing. */
  rebuild: () => Promise<Set<string>>;
}

/**
 * Settles that survive a counter outage: spends whose settle failed are kept by bucket and
 * reservations whose release failed are kept, both applied (or dropped) when the counters recover.
 */
export class CounterRecovery {
  /** Spends whose settle failed (counters unreachable), by bucket, applied or dropped on recovery. */
  private readonly unsettled = new Map<string, SettleSpend[]>();
  /** Reservations whose release failed, released on recovery (else they expire on their own). */
  private readonly unreleased: Array<{ reservationId: string; budgetIds: string[] }> = [];

  constructor(private readonly options: CounterRecoveryOptions) {}

  /** Settles a reservation and books its spends; a failure is kept for recovery, never thrown. */
  book(reservationId: string, budgetIds: string[], spends: SettleSpend[]): Promise<void> {
    return this.options.counters.settle(reservationId, budgetIds, spends).catch((error: unknown) => {
      if (reservationId && this.unreleased.length < 100_000) this.unreleased.push({ reservationId, budgetIds });
      for (const spend of spends) {
        const list = this.unsettled.get(spend.bucket) ?? [];
        list.push(spend);
        this.unsettled.set(spend.bucket, list);
      }
      this.options.log(`budget settle failed, kept for recovery: ${(error as Error).message}`);
    });
  }

  /**
   * The shared counters are back after an outage. Buckets the store lost are rebuilt from the
   * ledger, which already holds the spends made meanwhile (so those are dropped, not counted
   * twice); buckets it kept get the spends whose settle failed.
   */
  recover(): Promise<void> {
    // One rebuild at a time: a reconnect and a refused call may both ask for one.
    this.running ??= this.rebuildAndReplay().finally(() => (this.running = undefined));
    return this.running;
  }

  private running: Promise<void> | undefined;

  private async rebuildAndReplay(): Promise<void> {
    try {
      await this.options.flushLedger?.();
      const seeded = await this.options.rebuild();
      const replay: SettleSpend[] = [];
      for (const [bucket, spends] of this.unsettled) if (!seeded.has(bucket)) replay.push(...spends);
      this.unsettled.clear();
      if (replay.length) await this.options.counters.settle('', [], replay);
      for (const { reservationId, budgetIds } of this.unreleased.splice(0)) await this.options.counters.settle(reservationId, budgetIds, []);
      this.options.log(`budget counters recovered: ${seeded.size} bucket(s) rebuilt from the ledger, ${replay.length} delayed spend(s) applied`);
    } catch (error) {
      this.options.log(`budget counter recovery failed: ${(error as Error).message}`);
    }
  }
}

export interface RebuildSources {
  budgets: readonly BudgetConfig[];
  ledger: LedgerStore;
  counters: BudgetCounters;
  /** Providers on local nodes: their spend is in the fixed costs of budgets that include them. */
  localProviders: ReadonlySet<string>;
  share: Pick<LocalShareGuard, 'rebuild'>;
}

/**
 * Seeds the counters of every budget's current window from the ledger (counters never drift from
 * it); returns the buckets that were missing and got seeded.
 */
export async function rebuildCounters(sources: RebuildSources, now: number): Promise<Set<string>> {
  const { budgets, ledger, counters, localProviders, share } = sources;
  const seeded = new Set<string>();
  for (const budget of budgets) {
    const window = budgetWindow(budget, now);
    for (const bucket of window.buckets) {
      const range = bucketRange(bucket, budget);
      const exclude = budget.includeFixedCosts ? [...localProviders] : [];
      const [row] = await ledger.summarize([], { ...scopeFilter(budget), fromMs: range.startMs, toMs: range.endMs, excludeProviders: exclude });
      if (await counters.seed(bucket, row?.costNanoUsd ?? 0, ttlSeconds(window, now))) seeded.add(bucket);
    }
  }
  for (const bucket of await share.rebuild(ledger, [...localProviders], now)) seeded.add(bucket);
  await counters.markSeeded();
  return seeded;
}
