/** What `/api/routing/breakers` and the `tollgate_breaker_state` gauge show for one target. */
export interface BreakerView {
  target: string;
  state: 'closed' | 'open' | 'half-open';
  /** Consecutive failures counted against the target. */
  failures: number;
  /** When the circuit last opened (epoch ms), null while closed. */
  openedAtMs: number | null;
  /** When the next trial call is allowed (epoch ms), null while closed. */
  reopensAtMs: number | null;
}

interface BreakerState {
  failures: number;
  openedAtMs: number;
  openUntilMs: number;
  trialInFlight: boolean;
}

/** Targets tracked at most (failures can come from unconfigured `model@defaultProvider` names). */
const MAX_TRACKED = 10_000;

/**
 * Per-target circuit breaker: `threshold` consecutive failures open the circuit for `cooldownMs`;
 * then one trial call is let through (half-open): success closes it, failure opens it again.
 * Pure state machine; time is a parameter.
 */
export class CircuitBreaker {
  private readonly states = new Map<string, BreakerState>();

  constructor(private readonly threshold: number, private readonly cooldownMs: number) {}

  /** Whether a call may go to the target now (claims the half-open trial when it is due). */
  allow(key: string, nowMs: number): boolean {
    const state = this.states.get(key);
    if (!state || state.failures < this.threshold) return true;
    if (nowMs < state.openUntilMs || state.trialInFlight) return false;
    state.trialInFlight = true;
    return true;
  }

  isOpen(key: string, nowMs: number): boolean {
    const state = this.states.get(key);
    return state !== undefined && state.failures >= this.threshold && (nowMs < state.openUntilMs || state.trialInFlight);
  }

  success(key: string): void {
    this.states.delete(key);
  }

  /**
   * The call let through ended without a verdict on the target (a client error, a budget skip, the
   * client went away): a claimed half-open trial is given back, so the next call can be the trial.
   */
  release(key: string): void {
    const state = this.states.get(key);
    if (state) state.trialInFlight = false;
  }

  failure(key: string, nowMs: number): void {
    let state = this.states.get(key);
    if (!state) {
      if (this.states.size >= MAX_TRACKED) this.forgetOneClosed();
      state = { failures: 0, openedAtMs: 0, openUntilMs: 0, trialInFlight: false };
      this.states.set(key, state);
    }
    state.failures += 1;
    state.trialInFlight = false;
    if (state.failures >= this.threshold) {
      state.openedAtMs = nowMs;
      state.openUntilMs = nowMs + this.cooldownMs;
    }
  }

  /** The state of one target (closed when nothing is known about it). */
  view(key: string, nowMs: number): BreakerView {
    const state = this.states.get(key);
    if (!state || state.failures < this.threshold) return { target: key, state: 'closed', failures: state?.failures ?? 0, openedAtMs: null, reopensAtMs: null };
    const halfOpen = nowMs >= state.openUntilMs;
    return { target: key, state: halfOpen ? 'half-open' : 'open', failures: state.failures, openedAtMs: state.openedAtMs, reopensAtMs: state.openUntilMs };
  }

  /** Every target with failures on record, in no particular order. */
  tracked(): string[] {
    return [...this.states.keys()];
  }

  private forgetOneClosed(): void {
    for (const [key, state] of this.states) {
      if (state.failures < this.threshold) {
        this.states.delete(key);
        return;
      }
    }
    const oldest = this.states.keys().next();
    if (!oldest.done) this.states.delete(oldest.value);
  }
}
