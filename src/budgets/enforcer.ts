import type { BudgetConfig, TollgateConfig } from '../config/schema.ts';
import { GatewayError } from '../domain/errors.ts';
import { formatUsd, usdToNano } from '../domain/money.ts';
import type { LedgerRecord } from '../ledger/record.ts';
import type { LedgerFilter, LedgerStore } from '../ledger/store.ts';
import type { ClientRequest, Target } from '../domain/request.ts';
import type { CostLine } from '../pricing/fixed-costs.ts';
import { countsToward, fixedCostLines, fixedCostWarnings, fixedNanoOf, localProviderIds } from './fixed-accrual.ts';
import { budgetGauges, budgetStatus, periodLabel, type BudgetStatus } from './status.ts';
import { scopeFilter } from './scope-filter.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import type { AlertNotifier } from './alerts.ts';
import type { ActiveBudget, StoredBudget } from './store.ts';
import { resolveBudgets, sourceOf, type BudgetSource } from './definitions.ts';
import { applicableBudgets, qualifiedScope, type BudgetSubject } from './applicable.ts';
import { burnRate } from './burn-rate.ts';
import { RESERVATION_TTL_MS, type BudgetCounters, type ReserveCheck, type SettleSpend } from './counters/types.ts';
import { decide, highestReached, type Priority } from './decide.ts';
import { budgetWindow, bucketRange, ttlSeconds, type BudgetWindow } from './windows.ts';
import type { BudgetGrant } from './grant.ts';
import { inputTokensOf } from '../domain/estimate.ts';
import { choicesOf, outputBound, worstCaseNano } from '../pricing/worst-case.ts';
import { OutputBounds } from './output-bounds.ts';
import { InputRatios } from './input-ratios.ts';
import { matchOverride, type OverrideGrant, type OverrideTokens } from './override.ts';
import { isOwnBudget } from './disclosure.ts';
import { LocalShareGuard } from './local-share.ts';
import { AdmissionQueue } from './queue.ts';
import { AlertChecks } from './alert-checks.ts';
import { resetMessage } from './alert-evaluation.ts';
import { CounterRecovery } from './counter-recovery.ts';
import { budgetBlocked, countersUnreachable, queueFull, queueTimedOut, type RefusalContext } from './refusals.ts';

export interface BudgetEnforcerOptions {
  config: TollgateConfig;
  priceBook: PriceBook;
  counters: BudgetCounters;
  ledger: LedgerStore;
  alerts: AlertNotifier;
  now: () => number;
  log: (line: string) => void;
  /** Commits pending ledger rows (before counters are rebuilt from the ledger). */
  flushLedger?: () => Promise<void>;
}

export type { BudgetGrant } from './grant.ts';

export interface Admission {
  chain: Target[];
  grant: BudgetGrant | undefined;
}

export type { BudgetStatus } from './status.ts';
export { scopeFilter } from './scope-filter.ts';


/**
 * Budget enforcement before forwarding: every applicable budget must have room for the request's
 * worst case, reserved atomically (in process or in Redis), and reconciled to the actual cost when
 * it is metered. Thresholds can downgrade the model, queue low-priority work, or block.
 */
export class BudgetEnforcer {
  /** Learnt output bounds per served model, for requests without max_tokens. */
  readonly outputBounds = new OutputBounds();
  /** Learnt ratios of reported to estimated input tokens per served model, for every reservation. */
  readonly inputRatios = new InputRatios();
  private budgets: ActiveBudget[];
  private storedRows: StoredBudget[] = [];
  private readonly lines: CostLine[];
  private counter = 0;
  private readonly queue: AdmissionQueue;
  private readonly alertChecks: AlertChecks;
  private readonly recovery: CounterRecovery;

  /** Providers that run on local nodes: their hours are fixed costs, their requests the "local share". */
  private readonly localProviders: Set<string>;
  private readonly share: LocalShareGuard;

  constructor(private readonly options: BudgetEnforcerOptions) {
    this.queue = new AdmissionQueue(() => options.counters.announceQueued?.());
    this.recovery = new CounterRecovery({ counters: options.counters, log: options.log, flushLedger: options.flushLedger, rebuild: () => this.rebuild() });
    this.alertChecks = new AlertChecks({ config: options.config, counters: options.counters, alerts: options.alerts, now: options.now, log: options.log, fixedNano: (budget, window, atMs) => this.fixedNano(budget, window, atMs) });
    options.counters.onRecovered(() => void this.recover());
    options.counters.onReleased?.(() => this.wake());
    this.localProviders = localProviderIds(options.config);
    this.share = new LocalShareGuard(options.config.localShare, options.counters, (id, budgetIds, spends) => this.book(id, budgetIds, spends));
    this.budgets = [...options.config.budgets];
    this.lines = fixedCostLines(options.config);
  }

  /**
   * A served, metered answer teaches the budgets about its model: its output length (for requests
   * without max_tokens) and, when the input was estimated here, how the upstream's input count
   * compares with the estimate.
   */
  observeAnswer(
    model: string,
    request: Pick<ClientRequest, 'body' | 'operation' | 'inputTokens' | 'principal'>,
    record: Pick<LedgerRecord, 'status' | 'estimated' | 'inputTokens' | 'outputTokens'>,
  ): void {
    if (record.status !== 200 || record.estimated) return;
    // The bound is per completion: an answer with `n` choices reports all of them.
    let choices = 1;
    try {
      choices = choicesOf(request.body, request.operation);
    } catch {
      // Not admitted here (no budget applied): the upstream accepted it, count it as one.
    }
    this.outputBounds.observe(model, Math.ceil(record.outputTokens / choices));
    if (request.inputTokens !== undefined) this.inputRatios.observe(model, request.inputTokens, record.inputTokens, request.principal.orgId);
  }

  get all(): readonly ActiveBudget[] {
    return this.budgets;
  }

  /** The stored rows last applied (admin-made budgets, and run-time state over config budgets). */
  get stored(): readonly StoredBudget[] {
    return this.storedRows;
  }

  /** Applies the store's budget rows over the config file's budgets (see resolveBudgets). */
  setStoredBudgets(stored: readonly StoredBudget[]): void {
    this.storedRows = [...stored];
    this.budgets = resolveBudgets(this.options.config.budgets, stored);
  }

  /** Fixed costs accrued in a budget's window up to `atMs` (0 unless the budget includes them). */
  fixedNano(budget: BudgetConfig, window: BudgetWindow, atMs: number): number {
    return fixedNanoOf(this.lines, budget, window, atMs);
  }

  /**
   * Seeds the counters of every budget's current window from the ledger (counters never drift from
   * it); returns the buckets that were missing and got seeded.
   */
  async rebuild(): Promise<Set<string>> {
    const now = this.options.now();
    const seeded = new Set<string>();
    for (const budget of this.budgets) {
      const window = budgetWindow(budget, now);
      for (const bucket of window.buckets) {
        const range = bucketRange(bucket, budget);
        const exclude = budget.includeFixedCosts ? [...this.localProviders] : [];
        const [row] = await this.options.ledger.summarize([], { ...scopeFilter(budget), fromMs: range.startMs, toMs: range.endMs, excludeProviders: exclude });
        if (await this.options.counters.seed(bucket, row?.costNanoUsd ?? 0, ttlSeconds(window, now))) seeded.add(bucket);
      }
    }
    for (const bucket of await this.share.rebuild(this.options.ledger, [...this.localProviders], now)) seeded.add(bucket);
    return seeded;
  }

  /**
   * The shared counters are back after an outage. Buckets the store lost are rebuilt from the
   * ledger, which already holds the spends made meanwhile (so those are dropped, not counted
   * twice); buckets it kept get the spends whose settle failed.
   */
  recover(): Promise<void> {
    return this.recovery.recover();
  }

  private book(reservationId: string, budgetIds: string[], spends: SettleSpend[]): Promise<void> {
    return this.recovery.book(reservationId, budgetIds, spends);
  }

  async admit(request: ClientRequest, chain: Target[], resolve: (model: string) => Target[]): Promise<Admission> {
    const first = chain[0];
    if (!first || (this.budgets.length === 0 && !this.options.config.localShare)) return { chain, grant: undefined };
    const now = this.options.now();
    const priority = parsePriority(request.headers['x-tollgate-priority']);
    const presentedOverride = request.headers['x-tollgate-budget-override'];
    const estimatedInput = inputTokensOf(request);
    // Every completion the upstream generates is billed: `n` and `best_of` multiply the output (400 when absurd).
    const choices = choicesOf(request.body, request.operation);
    const requestedModel = typeof request.body.model === 'string' ? request.body.model : '';
    // Input: the estimate times the model's learnt reported/estimated ratio. Output: max_tokens, else the
    // target model's learnt bound, else the configured default; times the completions generated.
    const worstOn = (next: Target, atMs: number) =>
      worstCaseNano(
        this.options.priceBook,
        next,
        this.inputRatios.reserve(next.upstreamModel, estimatedInput, request.principal.orgId),
        outputBound(request.body, this.outputBounds.bound(next.upstreamModel) ?? this.options.config.enforcement.defaultMaxOutputTokens),
        atMs,
        choices,
      );
    let targets = chain;
    let action: string | null = null;
    let downgraded = false;
    const deadline = now + this.options.config.enforcement.queueTimeoutMs;
    let queuedSince: number | undefined;
    let refusedLogged = false;

    for (;;) {
      const target = targets[0]!;
      const subject: BudgetSubject = { principal: request.principal, requestedModel, upstreamModel: target.upstreamModel, providerId: target.providerId };
      const at = this.options.now();
      const local = this.localProviders.has(target.providerId);
      const budgets = applicableBudgets(this.budgets, subject);
      const override = matchOverride(presentedOverride, this.overrideTokens(), budgets, request.principal);
      if (presentedOverride && !override && !refusedLogged) {
        refusedLogged = true;
        this.options.log(`AUDIT budget override refused (no matching token) for ${request.principal.orgId}/${request.principal.projectId} key=${request.principal.keyId ?? '-'} request=${request.id}`);
      }
      // Only the operator's global token also lifts the local-share rule.
      const shareSlot = !local && override?.authority !== 'global' ? await this.share.reserveCloudSlot(`${request.id}:share:${this.counter++}`, at) : undefined;
      if (budgets.length === 0) return { chain: targets, grant: this.share.grant(local, shareSlot) };
      const forced = override?.budgetIds ?? new Set<string>();
      let granted = false;
      try {
        const worst = worstOn(target, at);
        const windows = budgets.map((budget) => budgetWindow(budget, at));
        const checks: ReserveCheck[] = budgets.map((budget, index) => ({
          budgetId: budget.id,
          buckets: windows[index]!.buckets,
          limitNano: usdToNano(budget.limitUsd),
          // Fixed costs are commitments: the whole period's share counts from day one, so "$30/month" is a total.
          fixedNano: this.fixedNano(budget, windows[index]!, windows[index]!.endMs),
          amountNano: countsToward(budget, local) ? worst : 0,
          force: forced.has(budget.id),
        }));
        const reservationId = `${request.id}:${this.counter++}`;
        let result;
        try {
          result = await this.options.counters.tryReserve(reservationId, checks, RESERVATION_TTL_MS, at);
        } catch (error) {
          return this.counterFailure(budgets, targets, error, request);
        }
        // Thresholds below 100% (downgrade early, hold low-priority work, block) apply even when it fits;
        // an overridden budget says nothing.
        const decisions = budgets.map((budget, index) =>
          forced.has(budget.id) ? { action: 'allow' as const, threshold: undefined } : decide(budget.thresholds, result.used[index]!, worst, checks[index]!.limitNano, priority),
        );
        const failed = result.ok ? -1 : result.failedIndex;
        const deciding = failed >= 0 ? { budget: budgets[failed]!, decision: decisions[failed]!, index: failed } : pickEarly(budgets, decisions);
        if (deciding) {
          const { budget, decision, index } = deciding;
          if (decision.action === 'downgrade' && !downgraded && decision.threshold?.downgradeTo) {
            if (result.ok) await this.release(reservationId, budgets);
            targets = resolve(decision.threshold.downgradeTo);
            downgraded = true;
            action = `downgrade:${budget.id}`;
            continue;
          }
          if (decision.action === 'queue' && priority === 'low') {
            if (result.ok) await this.release(reservationId, budgets);
            queuedSince ??= at;
            await this.waitInQueue(budget, deadline, request);
            action = `queued:${budget.id}`;
            continue;
          }
          if (failed >= 0 || decision.action === 'block') {
            if (result.ok) await this.release(reservationId, budgets);
            throw budgetBlocked(budget, windows[index]!, checks[index]!, result.used[index]!, worst, this.refusalContext(request), this.options.now());
          }
        }
        if (!result.ok) throw budgetBlocked(budgets[failed]!, windows[failed]!, checks[failed]!, result.used[failed]!, worst, this.refusalContext(request), this.options.now());
        if (queuedSince !== undefined) action = `${action}:${at - queuedSince}ms`;
        if (override) {
          action = action ? `override:${action}` : 'override';
          await this.audit(request, override, budgets, checks, result.used, worst, windows, at);
        }
        granted = true;
        return { chain: targets, grant: this.grant(reservationId, budgets, windows, checks, result.used, worst, action, local, request, shareSlot, worstOn) };
      } finally {
        // Refused, downgraded, queued or admitted without a grant: the cloud slot is not used by this attempt.
        if (!granted && shareSlot) this.share.release(shareSlot);
      }
    }
  }

  private overrideTokens(): OverrideTokens {
    const { overrideToken, orgOverrideTokens } = this.options.config.enforcement;
    return { global: overrideToken, byOrg: orgOverrideTokens ?? {} };
  }

  /**
   * Every override use is audited: an AUDIT log line, the ledger's budget action, and an alert row
   * per budget it actually lifted (the request would not have fitted), which also goes to the webhook.
   */
  private async audit(request: ClientRequest, override: OverrideGrant, budgets: BudgetConfig[], checks: ReserveCheck[], used: number[], worst: number, windows: BudgetWindow[], at: number): Promise<void> {
    const who = `${request.principal.orgId}/${request.principal.projectId} key=${request.principal.keyId ?? '-'}`;
    const lifted = budgets.filter((budget, index) => override.budgetIds.has(budget.id) && used[index]! + checks[index]!.amountNano > checks[index]!.limitNano);
    this.options.log(
      `AUDIT budget override (${override.authority}) by ${who} request=${request.id} budgets=${[...override.budgetIds].join(',')} lifted=${lifted.map((b) => b.id).join(',') || '-'} worst=$${formatUsd(worst)}`,
    );
    for (const budget of lifted) {
      const index = budgets.indexOf(budget);
      await this.options.alerts
        .raise({
          timeMs: at,
          budgetId: budget.id,
          windowStartMs: windows[index]!.startMs,
          kind: `override:${request.id}`,
          spentNano: used[index]!,
          limitNano: checks[index]!.limitNano,
          message: `Budget ${budget.id}: override (${override.authority}) by ${who} let request ${request.id} through at $${formatUsd(used[index]!)} of $${formatUsd(checks[index]!.limitNano)} (it may cost up to $${formatUsd(worst)})`,
        })
        .catch(() => undefined);
    }
  }

  private grant(
    reservationId: string,
    budgets: BudgetConfig[],
    windows: BudgetWindow[],
    checks: ReserveCheck[],
    used: number[],
    worst: number,
    action: string | null,
    local: boolean,
    request: ClientRequest,
    shareSlot?: string,
    worstOn?: (target: Target, atMs: number) => number,
  ): BudgetGrant {
    let settled = false;
    let reserved = worst;
    const extra: string[] = [];
    const budgetIds = budgets.map((b) => b.id);
    // The remaining header speaks of the caller's own budgets only (unless the operator discloses all).
    const disclosure = this.options.config.enforcement.discloseBudgets;
    const told = checks.filter((_, index) => isOwnBudget(budgets[index]!, request.principal, disclosure));
    const remaining = (cost: number) => Math.min(...told.map((check) => check.limitNano - used[checks.indexOf(check)]! - cost));
    return {
      action,
      headers: (costNano) => ({
        ...(told.length ? { 'x-tollgate-budget-remaining-usd': formatUsd(Math.max(0, remaining(costNano ?? reserved))) } : {}),
        ...(action ? { 'x-tollgate-budget-action': action } : {}),
      }),
      retarget: async (target) => {
        if (!worstOn || settled) return true;
        const at = this.options.now();
        const next = worstOn(target, at);
        const delta = next - reserved;
        if (delta <= 0) return true;
        const nextLocal = this.localProviders.has(target.providerId);
        const id = `${reservationId}:fallback${extra.length + 1}`;
        const more = checks.map((check, index) => ({ ...check, amountNano: countsToward(budgets[index]!, nextLocal) ? delta : 0 }));
        try {
          const result = await this.options.counters.tryReserve(id, more, RESERVATION_TTL_MS, at);
          if (!result.ok) return false;
        } catch {
          return true; // counters unreachable: the budgets' fail-open/closed policy already applied at admission
        }
        extra.push(id);
        reserved = next;
        return true;
      },
      settle: (record) => {
        if (settled) return;
        settled = true;
        // After a fallback the served target decides whether this was a local request.
        const servedLocal = record.provider ? this.localProviders.has(record.provider) : local;
        this.share.count(record, servedLocal, shareSlot);
        for (const id of extra) void this.book(id, budgetIds, []);
        const spends = budgets.map((budget, index) => ({
          bucket: budgetWindow(budget, record.timeMs).currentBucket,
          amountNano: countsToward(budget, servedLocal) ? record.costNanoUsd : 0,
          ttlSeconds: ttlSeconds(windows[index]!, record.timeMs),
        }));
        void this.book(reservationId, budgetIds, spends.filter((spend) => spend.amountNano > 0))
          .then(() => {
            this.wake();
            void this.checkAlerts(budgets);
          });
      },
    };
  }

  private async release(reservationId: string, budgets: BudgetConfig[]): Promise<void> {
    await this.options.counters.settle(reservationId, budgets.map((b) => b.id), []).catch(() => undefined);
  }

  private counterFailure(budgets: BudgetConfig[], targets: Target[], error: unknown, request: ClientRequest): Admission {
    const closed = budgets.find((budget) => budget.onCounterFailure === 'fail-closed');
    this.options.log(`budget counters unavailable: ${(error as Error).message}`);
    if (closed) {
      // Transient: the SDKs may retry (after a second), unlike a budget refusal.
      throw countersUnreachable(closed, this.refusalContext(request));
    }
    return {
      chain: targets,
      grant: {
        action: 'fail-open',
        headers: () => ({ 'x-tollgate-budget-action': 'fail-open' }),
        // Books the spend once the counters answer again; the ledger has it regardless.
        settle: (record) => {
          const spends = budgets.map((budget) => {
            const window = budgetWindow(budget, record.timeMs);
            return { bucket: window.currentBucket, amountNano: record.costNanoUsd, ttlSeconds: ttlSeconds(window, record.timeMs) };
          });
          void this.book('', budgets.map((b) => b.id), spends.filter((s) => s.amountNano > 0));
        },
      },
    };
  }

  private refusalContext(request: ClientRequest): RefusalContext {
    return { request, disclosure: this.options.config.enforcement.discloseBudgets };
  }

  /** Holds a low-priority request until headroom returns (a settle here, or a poll for other instances) or its deadline. */
  private async waitInQueue(budget: BudgetConfig, deadline: number, request: ClientRequest): Promise<void> {
    if (this.queue.size >= this.options.config.enforcement.queueLimit) throw queueFull(budget, this.refusalContext(request));
    const left = deadline - this.options.now();
    if (left <= 0) throw queueTimedOut(budget, this.refusalContext(request));
    await this.queue.hold(left);
  }

  private wake(): void {
    this.queue.wake();
  }

  /** Threshold and burn-rate alerts after a settle; at most one check per budget at a time. */
  private checkAlerts(budgets: ActiveBudget[]): Promise<void> {
    return this.alertChecks.check(budgets);
  }

  /** The audit of a reset: a log line and an alert row (who, when, spent before). */
  async recordReset(budget: ActiveBudget, by: string, spentBeforeUsd: string, atMs: number): Promise<void> {
    const message = resetMessage(budget, by, spentBeforeUsd, atMs);
    this.options.log(`AUDIT ${message}`);
    await this.options.alerts
      .raise({ timeMs: atMs, budgetId: budget.id, windowStartMs: budgetWindow(budget, atMs).startMs, kind: `reset:${atMs}`, spentNano: usdToNano(spentBeforeUsd), limitNano: usdToNano(budget.limitUsd), message })
      .catch(() => undefined);
  }

  /** Spent, reserved (in flight) and limit of every budget in its current window, for the /metrics gauges. */
  async gauges(): Promise<Array<{ budget: string; spentNano: number; reservedNano: number; limitNano: number }>> {
    const now = this.options.now();
    const budgets = this.budgets;
    const full = budgets.map((budget) => {
      const window = budgetWindow(budget, now);
      return { budgetId: budget.id, buckets: window.buckets, fixedNano: this.fixedNano(budget, window, window.endMs) };
    });
    // Reservations alone: the same budgets without buckets or fixed costs.
    const values = await this.options.counters.peek([...full, ...full.map((check) => ({ budgetId: check.budgetId, buckets: [], fixedNano: 0 }))], now);
    return budgetGauges(budgets, values.slice(0, budgets.length), values.slice(budgets.length));
  }

  /**
   * What the counters hold (spent and reserved) under a definition's id in its current window,
   * whether or not it is in force: a deleted budget leaves its spend under its id until the window ends.
   */
  async countedUnder(budget: BudgetConfig): Promise<number> {
    const now = this.options.now();
    const [used] = await this.options.counters.peek([{ budgetId: budget.id, buckets: budgetWindow(budget, now).buckets, fixedNano: 0 }], now);
    return used ?? 0;
  }

  /** Status of every budget for the admin API and CLI. */
  async status(): Promise<BudgetStatus[]> {
    const now = this.options.now();
    // A snapshot: definitions may be replaced (admin API, another instance) while the counters are read.
    const budgets = this.budgets;
    const windows = budgets.map((budget) => budgetWindow(budget, now));
    const fixed = budgets.map((budget, index) => this.fixedNano(budget, windows[index]!, windows[index]!.endMs));
    const accrued = budgets.map((budget, index) => this.fixedNano(budget, windows[index]!, now));
    let used: number[];
    try {
      used = await this.options.counters.peek(budgets.map((budget, index) => ({ budgetId: budget.id, buckets: windows[index]!.buckets, fixedNano: fixed[index]! })), now);
    } catch (error) {
      throw new GatewayError('budget_unavailable', `Budget counters are unreachable: ${(error as Error).message}`, { retryable: true });
    }
    return budgets.map((budget, index) =>
      budgetStatus(budget, { window: windows[index]!, usedNano: used[index] ?? 0, fixedNano: fixed[index]!, accruedNano: accrued[index]! }, now, sourceOf(budget.id, this.options.config.budgets, this.storedRows)),
    );
  }

  /** Budgets whose fixed costs alone take most or all of their limit over a full period (reported at start-up). */
  fixedCostWarnings(): string[] {
    return fixedCostWarnings(this.lines, this.budgets, this.options.now());
  }

}

/** The decision that applies although the request fits: a downgrade first, then a queue, then a block threshold below 100%. */
function pickEarly(budgets: BudgetConfig[], decisions: ReturnType<typeof decide>[]): { budget: BudgetConfig; decision: ReturnType<typeof decide>; index: number } | undefined {
  for (const action of ['downgrade', 'queue', 'block'] as const) {
    const index = decisions.findIndex((d) => d.action === action && (action !== 'block' || (d.threshold !== undefined && d.threshold.percent < 100)));
    if (index >= 0) return { budget: budgets[index]!, decision: decisions[index]!, index };
  }
  return undefined;
}

function parsePriority(value: string | undefined): Priority {
  return value === 'low' || value === 'high' ? value : 'normal';
}
