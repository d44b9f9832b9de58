/**
 * A sampled log of edge refusals: the first one, then at most one summary line per interval with
 * the counts by reason since the last line. A flood of bad requests costs one line per interval.
 */
export class RejectionLog {
  private counts = new Map<string, number>();
  private lastAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number,
    private readonly intervalMs = 10_000,
  ) {}

  note(reason: string, address: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    const now = this.now();
    if (now - this.lastAtMs < this.intervalMs) return;
    const summary = [...this.counts].map(([name, count]) => `${name}=${count}`).join(' ');
    this.write(`edge refusals since last report: ${summary} (latest from ${address})`);
    this.counts = new Map();
    this.lastAtMs = now;
  }
}
