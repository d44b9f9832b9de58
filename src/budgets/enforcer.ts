import type { BudgetConfig, TollgateConfig } from '../config/schema.ts';
import { GatewayError } from '../domain/errors.ts';
import { inboundOf } from '../domain/inbound.ts';
import { usdToNano } from '../domain/money.ts';
import type { LedgerRecord } from '../ledger/record.ts';
import type { LedgerStore, ReadLane } from '../ledger/store.ts';
import { ledgerIn } from '../ledger/read-lane.ts';
import type { ClientRequest, Target } from '../domain/request.ts';
import type { CostLine } from '../pricing/fixed-costs.ts';
import { fixedCostLines, fixedCostWarnings, fixedNanoOf, localProviderIds } from './fixed-accrual.ts';
import { budgetGauges, budgetStatus, withForecastProjection, type BudgetStatus } from './status.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import type { AlertNotifier } from './alerts.ts';
import type { ActiveBudget, StoredBudget } from './store.ts';
import { resolveBudgets, sourceOf } from './definitions.ts';
import { applicableBudgets, type BudgetSubject } from './applicable.ts';
import { RESERVATION_TTL_MS, type BudgetCounters, type ReserveCheck, type SettleSpend } from './counters/types.ts';
import { budgetWindow, type BudgetWindow } from './windows.ts';
import { choicesOf } from '../pricing/worst-case.ts';
import { RequestWorstCase, type WorstCaseSources } from './request-worst-case.ts';
import { OutputBounds } from './output-bounds.ts';
import { InputRatios } from './input-ratios.ts';
import { matchOverride, type OverrideGrant, type OverrideTokens } from './override.ts';
import { LocalShareGuard } from './local-share.ts';
import { overrideTokensOf, parsePriority, pickEarly, reserveChecks, thresholdDecisions, type Admission } from './admission.ts';
import { overrideAudit, overrideRefusedLine } from './override-audit.ts';
import { failOpenGrant, reservationGrant, type GrantDeps } from './reservation-grant.ts';
import { AdmissionQueue } from './queue.ts';
import { AlertChecks } from './alert-checks.ts';
import type { SpendProjector } from './spend-projector.ts';
import { resetMessage } from './alert-evaluation.ts';
import { CounterRecovery, rebuildCounters } from './counter-recovery.ts';
import { checkStoredLimits, type StoredLimitProblem } from './stored-limits.ts';
import { budgetBlocked, countersUnreachable, queueFull, queueTimedOut, type RefusalContext } from './refusals.ts';

/** The budgets an override lifts when there is none (read only: one set for every request). */
const NONE_FORCED: ReadonlySet<string> = new Set<string>();

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
  /** End-of-period spend forecasts for burn-rate alerts (see spend-projector.ts); a straight line without. */
  projector?: SpendProjector | undefined;
}

export type { BudgetGrant } from './grant.ts';
export type { Admission } from './admission.ts';
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
  private storedLimitProblems: StoredLimitProblem[] = [];
  private readonly loggedLimitProblems = new Set<string>();
  private readonly lines: CostLine[];
  private counter = 0;
  private readonly queue: AdmissionQueue;
  private readonly alertChecks: AlertChecks;
  private readonly recovery: CounterRecovery;

  /** Providers that run on local nodes: their hours are fixed costs, their requests the "local share". */
  private readonly localProviders: Set<string>;
  private readonly share: LocalShareGuard;
  /** What every request's worst case is priced with (the enforcement settings read at each use). */
  private readonly worstCaseSources: WorstCaseSources;

  constructor(private readonly options: BudgetEnforcerOptions) {
    this.queue = new AdmissionQueue(() => options.counters.announceQueued?.());
    this.recovery = new CounterRecovery({ counters: options.counters, log: options.log, flushLedger: options.flushLedger, rebuild: () => this.rebuild() });
    this.localProviders = localProviderIds(options.config);
    this.alertChecks = new AlertChecks({
      config: options.config,
      counters: options.counters,
      alerts: options.alerts,
      now: options.now,
      log: options.log,
      fixedNano: (budget, window, atMs) => this.fixedNano(budget, window, atMs),
      projector: options.projector,
      localProviders: this.localProviders,
    });
    options.counters.onRecovered(() => void this.recover());
    options.counters.onReleased?.(() => this.wake());
    this.share = new LocalShareGuard(options.config.localShare, options.counters, (id, budgetIds, spends) => this.book(id, budgetIds, spends));
    this.budgets = [...options.config.budgets];
    this.lines = fixedCostLines(options.config);
    this.worstCaseSources = { priceBook: options.priceBook, inputRatios: this.inputRatios, outputBounds: this.outputBounds, config: options.config };
  }

  /**
   * A served, metered answer teaches the budgets about its model: its output length (for requests
   * without max_tokens) and, when the input was estimated here, how the upstream's input count
   * compares with the estimate.
   */
  observeAnswer(
    model: string,
    request: Pick<ClientRequest, 'body' | 'operation' | 'principal'>,
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
    const estimated = inboundOf(request).countedInputTokens;
    if (estimated !== undefined) this.inputRatios.observe(model, estimated, record.inputTokens, request.principal.orgId);
  }

  get all(): readonly ActiveBudget[] {
    return this.budgets;
  }

  /** The stored rows last applied (admin-made budgets, and run-time state over config budgets). */
  get stored(): readonly StoredBudget[] {
    return this.storedRows;
  }

  /** Stored budgets whose limit is out of range, and what is enforced instead (see checkStoredLimits). */
  get limitProblems(): readonly StoredLimitProblem[] {
    return this.storedLimitProblems;
  }

  /**
   * Applies the store's budget rows over the config file's budgets (see resolveBudgets), with any
   * stored limit out of range clamped or failed closed, and said loudly once per row and limit.
   */
  setStoredBudgets(stored: readonly StoredBudget[]): void {
    this.storedRows = [...stored];
    const checked = checkStoredLimits(stored);
    this.storedLimitProblems = checked.problems;
    for (const problem of checked.problems) {
      const key = `${problem.id}\u0000${problem.message}`;
      if (this.loggedLimitProblems.has(key)) continue;
      this.loggedLimitProblems.add(key);
      this.options.log(`ERROR ${problem.message}`);
    }
    this.budgets = resolveBudgets(this.options.config.budgets, checked.rows);
  }

  /** Fixed costs accrued in a budget's window up to `atMs` (0 unless the budget includes them). */
  fixedNano(budget: BudgetConfig, window: BudgetWindow, atMs: number): number {
    return fixedNanoOf(this.lines, budget, window, atMs);
  }

  /**
   * Seeds the counters of every budget's current window from the ledger (counters never drift from
   * it); returns the buckets that were missing and got seeded. `lane` is the ledger read lane: 'background'
   * when nobody waits on it (a definition sync), so it never delays the admin API's reads.
   */
  rebuild(lane: ReadLane = 'interactive'): Promise<Set<string>> {
    const { counters } = this.options;
    const ledger = ledgerIn(this.options.ledger, lane);
    return rebuildCounters({ budgets: this.budgets, ledger, counters, localProviders: this.localProviders, share: this.share }, this.options.now());
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
    const estimatedInput = inboundOf(request).inputTokens;
    // Every completion the upstream generates is billed: `n` and `best_of` multiply the output (400 when absurd).
    const choices = choicesOf(request.body, request.operation);
    const requestedModel = inboundOf(request).model;
    const worstCase = new RequestWorstCase(this.worstCaseSources, request.body, estimatedInput, choices, request.principal.orgId);
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
        this.options.log(overrideRefusedLine(request));
      }
      // Only the operator's global token also lifts the local-share rule; without a guard there is no slot to take (nor a turn to wait for one).
      const shareSlot = this.share.enabled && !local && override?.authority !== 'global' ? await this.share.reserveCloudSlot(`${request.id}:share:${this.counter++}`, at) : undefined;
      if (budgets.length === 0) return { chain: targets, grant: this.share.grant(local, shareSlot) };
      const forced = override?.budgetIds ?? NONE_FORCED;
      let granted = false;
      try {
        const worst = worstCase.on(target, at);
        const windows = budgets.map((budget) => budgetWindow(budget, at));
        const checks = reserveChecks(budgets, windows, (budget, window, atMs) => this.fixedNano(budget, window, atMs), worst, local, forced);
        const reservationId = `${request.id}:${this.counter++}`;
        let result;
        try {
          result = await this.options.counters.tryReserve(reservationId, checks, RESERVATION_TTL_MS, at);
        } catch (error) {
          return this.counterFailure(budgets, targets, error, request);
        }
        // Thresholds below 100% (downgrade early, hold low-priority work, block) apply even when it fits;
        // an overridden budget says nothing.
        const decisions = thresholdDecisions(budgets, checks, result.used, worst, priority, forced);
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
        return { chain: targets, grant: reservationGrant(this.grantDeps(), { reservationId, budgets, windows, checks, used: result.used, worst, action, local, request, shareSlot, worstCase }) };
      } finally {
        // Refused, downgraded, queued or admitted without a grant: the cloud slot is not used by this attempt.
        if (!granted && shareSlot) this.share.release(shareSlot);
      }
    }
  }

  private overrideTokens(): OverrideTokens {
    return overrideTokensOf(this.options.config.enforcement);
  }

  /**
   * Every override use is audited: an AUDIT log line, the ledger's budget action, and an alert row
   * per budget it actually lifted (the request would not have fitted), which also goes to the webhook.
   */
  private async audit(request: ClientRequest, override: OverrideGrant, budgets: BudgetConfig[], checks: ReserveCheck[], used: number[], worst: number, windows: BudgetWindow[], at: number): Promise<void> {
    const { line, alerts } = overrideAudit(request, override, budgets, checks, used, worst, windows, at);
    this.options.log(line);
    for (const alert of alerts) await this.options.alerts.raise(alert).catch(() => undefined);
  }

  /** What every grant settles through: built once (the request path admits with it every time). */
  private grantDeps(): GrantDeps {
    this.deps ??= this.buildGrantDeps();
    return this.deps;
  }

  private deps: GrantDeps | undefined;

  private buildGrantDeps(): GrantDeps {
    const { config } = this.options;
    return {
      counters: this.options.counters,
      now: this.options.now,
      isLocal: (providerId) => this.localProviders.has(providerId),
      share: this.share,
      book: (id, budgetIds, spends) => this.book(id, budgetIds, spends),
      afterSettle: (budgets) => {
        this.wake();
        void this.checkAlerts(budgets);
      },
      // Read at each use, as before the deps were kept.
      get disclosure() {
        return config.enforcement.discloseBudgets;
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
    return { chain: targets, grant: failOpenGrant(budgets, (id, budgetIds, spends) => this.book(id, budgetIds, spends)) };
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

  /**
   * Status of every budget for the admin API and CLI. With `forecast`, calendar budgets project their
   * period's end from the forecast the burn-rate alerts use, where there is one (see AlertChecks.project).
   */
  async status(options: { forecast?: boolean } = {}): Promise<BudgetStatus[]> {
    const now = this.options.now();
    // A snapshot: definitions may be replaced (admin API, another instance) while the counters are read.
    const budgets = this.budgets;
    const windows = budgets.map((budget) => budgetWindow(budget, now));
    const fixed = budgets.map((budget, index) => this.fixedNano(budget, windows[index]!, windows[index]!.endMs));
    const accrued = budgets.map((budget, index) => this.fixedNano(budget, windows[index]!, now));
    // One read: every budget's spend + reservations + fixed costs, then its reservations alone (no buckets, no fixed costs).
    let values: number[];
    try {
      const full = budgets.map((budget, index) => ({ budgetId: budget.id, buckets: windows[index]!.buckets, fixedNano: fixed[index]! }));
      values = await this.options.counters.peek([...full, ...budgets.map((budget) => ({ budgetId: budget.id, buckets: [], fixedNano: 0 }))], now);
    } catch (error) {
      throw new GatewayError('budget_unavailable', `Budget counters are unreachable: ${(error as Error).message}`, { retryable: true });
    }
    const statuses = budgets.map((budget, index) => {
      const reading = { window: windows[index]!, usedNano: values[index] ?? 0, reservedNano: Math.max(0, values[budgets.length + index] ?? 0), fixedNano: fixed[index]!, accruedNano: accrued[index]! };
      return budgetStatus(budget, reading, now, sourceOf(budget.id, this.options.config.budgets, this.storedRows));
    });
    if (!options.forecast || !this.options.projector) return statuses;
    return Promise.all(
      statuses.map(async (status, index) => {
        const budget = budgets[index]!;
        if (budget.period === 'rolling') return status;
        const projection = await this.alertChecks.project(budget, windows[index]!, now, values[index] ?? 0);
        return projection ? withForecastProjection(status, projection, windows[index]!.endMs) : status;
      }),
    );
  }

  /** Budgets whose fixed costs alone take most or all of their limit over a full period (reported at start-up). */
  fixedCostWarnings(): string[] {
    return fixedCostWarnings(this.lines, this.budgets, this.options.now());
  }
}
