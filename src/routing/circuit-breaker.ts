/**
 * Per-target circuit breaker: `threshold` consecutive failures open the circuit for `cooldownMs`;
 * then one trial call is let through (half-open): success closes it, failure opens it again.
 * Pure state machine; time is a parameter.
 */
export class CircuitBreaker {
  private readonly states = new Map<string, { failures: number; openUntilMs: number; trialInFlight: boolean }>();

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

  failure(key: string, nowMs: number): void {
    const state = this.states.get(key) ?? { failures: 0, openUntilMs: 0, trialInFlight: false };
    state.failures += 1;
    state.trialInFlight = false;
    if (state.failures >= this.threshold) state.openUntilMs = nowMs + this.cooldownMs;
    this.states.set(key, state);
  }
}
