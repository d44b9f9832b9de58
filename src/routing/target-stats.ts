/** Measured behaviour of one model@provider, as the router sees it. */
export interface TargetHealth {
  /** Smoothed latency of successful calls, ms (undefined until measured). */
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  /** Smoothed share of failed calls (0..1). */
  errorRate: number;
  calls: number;
}

/**
 * Rolling per-target statistics (exponentially weighted, so recent behaviour dominates: alpha 0.1
 * is roughly the last 20 calls), fed by the meter and read by the router's catalogue.
 */
export class TargetStats {
  private readonly health = new Map<string, TargetHealth>();

  observe(key: string, outcome: { ok: boolean; latencyMs: number; ttftMs: number | null }): void {
    const alpha = 0.1;
    const current = this.health.get(key) ?? { latencyMs: undefined, ttftMs: undefined, errorRate: 0, calls: 0 };
    current.calls += 1;
    current.errorRate = current.errorRate * (1 - alpha) + (outcome.ok ? 0 : 1) * alpha;
    if (outcome.ok) {
      current.latencyMs = current.latencyMs === undefined ? outcome.latencyMs : current.latencyMs * (1 - alpha) + outcome.latencyMs * alpha;
      if (outcome.ttftMs !== null) current.ttftMs = current.ttftMs === undefined ? outcome.ttftMs : current.ttftMs * (1 - alpha) + outcome.ttftMs * alpha;
    }
    this.health.set(key, current);
  }

  get(key: string): TargetHealth | undefined {
    return this.health.get(key);
  }
}
