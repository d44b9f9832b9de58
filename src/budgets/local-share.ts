import type { TollgateConfig } from '../config/schema.ts';
import type { LedgerRecord } from '../ledger/record.ts';
import type { LedgerStore } from '../ledger/store.ts';
import { RESERVATION_TTL_MS, type BudgetCounters, type SettleSpend } from './counters/types.ts';
import type { BudgetGrant } from './grant.ts';
import { localShareRefused } from './refusals.ts';
import { budgetWindow, ttlSeconds, type BudgetWindow, type WindowedBudget } from './windows.ts';

const CLOUD = '~share-cloud';
const LOCAL = '~share-local';

/**
 * The local-share guard: keep at least `target` of a period's served requests on local nodes,
 * going to cloud models only while the share allows. Atomic like a budget: a cloud request reserves
 * one slot in the period's cloud counter (in process, or one Redis script across instances),
 * allowed while cloud (spent + in flight + 1) ≤ local × (1 − target) / target, or during the
 * warm-up of the period's first 1/(1 − target) requests. The local count only grows, so a stale
 * read is conservative.
 */
export class LocalShareGuard {
  constructor(
    private readonly settings: TollgateConfig['localShare'],
    private readonly counters: BudgetCounters,
    /** Settles a reservation and books spends, keeping failures for recovery (the enforcer's). */
    private readonly book: (reservationId: string, budgetIds: string[], spends: SettleSpend[]) => Promise<void>,
  ) {}

  private definition: WindowedBudget | undefined;

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  private window(at: number): { local: string; cloud: string; window: BudgetWindow } | undefined {
    if (!this.settings) return undefined;
    // One definition object while the settings stay the same, so its window is memoised with it (see budgetWindow).
    const { period, timezone } = this.settings;
    if (this.definition?.period !== period || this.definition.timezone !== timezone) this.definition = { id: 'local-share', period, timezone };
    const window = budgetWindow(this.definition, at);
    return { local: `${window.currentBucket}:local`, cloud: `${window.currentBucket}:cloud`, window };
  }

  /** Reserves a cloud slot; returns its id, or undefined without a guard or with the counters unreachable (budgets still apply). Throws when the share does not allow it. */
  async reserveCloudSlot(reservationId: string, at: number): Promise<string | undefined> {
    const share = this.settings;
    const buckets = this.window(at);
    if (!share || !buckets) return undefined;
    const allowedCloud = 1 - share.target;
    let localCount = 0;
    let cloudCount = 0;
    let result;
    try {
      [localCount = 0, cloudCount = 0] = await this.counters.peek(
        [
          { budgetId: LOCAL, buckets: [buckets.local], fixedNano: 0 },
          { budgetId: CLOUD, buckets: [buckets.cloud], fixedNano: 0 },
        ],
        at,
      );
      const byShare = share.target >= 1 ? 0 : Math.floor((localCount * allowedCloud) / share.target + 1e-9);
      const warmUp = allowedCloud > 0 ? Math.ceil(1 / allowedCloud - 1e-9) - 1 - localCount : 0;
      const limit = Math.max(byShare, warmUp);
      result = await this.counters.tryReserve(reservationId, [{ budgetId: CLOUD, buckets: [buckets.cloud], limitNano: limit, fixedNano: 0, amountNano: 1, force: false }], RESERVATION_TTL_MS, at);
    } catch {
      return undefined;
    }
    if (!result.ok) {
      throw localShareRefused({ target: share.target, period: share.period, local: localCount, cloud: cloudCount, inFlight: (result.used[0] ?? cloudCount) - cloudCount }, buckets.window);
    }
    return reservationId;
  }

  /** A reserved slot the request will not use (refused, downgraded, queued). */
  release(slot: string): void {
    void this.book(slot, [CLOUD], []);
  }

  /** Counts a served request as local or cloud; a reserved slot is settled into the count (or freed on failure). */
  count(record: LedgerRecord, local: boolean, slot: string | undefined): void {
    const buckets = this.window(record.timeMs);
    const served = buckets !== undefined && record.status < 400;
    const spends = served ? [{ bucket: local ? buckets.local : buckets.cloud, amountNano: 1, ttlSeconds: ttlSeconds(buckets.window, record.timeMs) }] : [];
    if (slot) void this.book(slot, [CLOUD], spends);
    else if (spends.length > 0) void this.book('', [], spends);
  }

  /** The grant of a request no budget applies to: it still counts toward the share. */
  grant(local: boolean, slot: string | undefined): BudgetGrant | undefined {
    if (!this.settings) return undefined;
    let settled = false;
    return {
      action: null,
      headers: () => ({}),
      settle: (record) => {
        if (settled) return;
        settled = true;
        this.count(record, local, slot);
      },
    };
  }

  /** Seeds the period's local and cloud counts from the ledger; returns the buckets it set. */
  async rebuild(ledger: LedgerStore, localProviders: string[], now: number): Promise<string[]> {
    const buckets = this.window(now);
    if (!buckets) return [];
    const range = { fromMs: buckets.window.startMs, toMs: buckets.window.endMs, servedOnly: true };
    const total = await ledger.count(range);
    const cloud = await ledger.count({ ...range, excludeProviders: localProviders });
    const ttl = ttlSeconds(buckets.window, now);
    const seeded: string[] = [];
    if (await this.counters.seed(buckets.local, total - cloud, ttl)) seeded.push(buckets.local);
    if (await this.counters.seed(buckets.cloud, cloud, ttl)) seeded.push(buckets.cloud);
    return seeded;
  }
}
