/**
 * Low-priority requests held until headroom returns: woken by a settle here (or a release another
 * instance announces), else polled every 250 ms, until their deadline.
 */
export class AdmissionQueue {
  private queued = 0;
  private readonly waiters = new Set<() => void>();

  /** `announce` tells other instances that work is queued (so they announce their releases). */
  constructor(private readonly announce: () => void = () => undefined) {}

  /** Requests held now. */
  get size(): number {
    return this.queued;
  }

  /** Waits until the next wake, at most `maxMs` (and at most 250 ms, to poll the shared counters). */
  async hold(maxMs: number): Promise<void> {
    this.queued += 1;
    this.announce();
    try {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(maxMs, 250));
        this.waiters.add(done);
      });
    } finally {
      this.queued -= 1;
    }
  }

  /** Headroom may have returned: every held request checks again. */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
