/**
 * Total deadlines for upstream answers without a timer per request: entries sit in one set that a
 * single unref'd interval sweeps, cancelling what has run past its deadline. A deadline is honoured
 * within `resolutionMs` (one sweep), which is plenty for limits measured in seconds or minutes.
 */
export class DeadlineSweeper {
  private readonly pending = new Set<{ deadlineMs: number; cancel: () => void }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly resolutionMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `cancel` if the returned `done` is not called before `deadlineMs`. */
  watch(deadlineMs: number, cancel: () => void): () => void {
    const entry = { deadlineMs, cancel };
    this.pending.add(entry);
    this.timer ??= setInterval(() => this.sweep(), this.resolutionMs).unref();
    return () => {
      this.pending.delete(entry);
    };
  }

  private sweep(): void {
    const now = this.now();
    for (const entry of this.pending) {
      if (entry.deadlineMs > now) continue;
      this.pending.delete(entry);
      entry.cancel();
    }
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
