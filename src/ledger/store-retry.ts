/** The next back-off delay after a failed attempt: doubling, capped at `maxMs`. */
export function nextRetryDelay(currentMs: number, maxMs: number): number {
  return Math.min(currentMs * 2, maxMs);
}

/**
 * Retry with back-off of a store that failed: one timer at a time, `minMs` doubling to `maxMs`
 * while attempts fail, back to `minMs` after one succeeds.
 */
export interface StoreRetry {
  /** Starts the retry timer unless one is pending (or retries are stopped); defaults to the current back-off. */
  schedule(delayMs?: number): void;
  /** The attempt succeeded: the back-off starts over. */
  succeeded(): void;
  /** The attempt failed: double the back-off and schedule the next attempt. */
  failed(): void;
  /** Cancels the pending timer; no timer is started again (shutdown). */
  stop(): void;
}

export interface StoreRetryOptions {
  minMs: number;
  maxMs: number;
  onRetry: () => void;
}

export function createStoreRetry(options: StoreRetryOptions): StoreRetry {
  let delay = options.minMs;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function schedule(delayMs: number = delay): void {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      options.onRetry();
    }, delayMs);
    timer.unref();
  }

  return {
    schedule,
    succeeded() {
      delay = options.minMs;
    },
    failed() {
      delay = nextRetryDelay(delay, options.maxMs);
      schedule(delay);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      stopped = true;
    },
  };
}
