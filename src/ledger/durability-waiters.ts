/**
 * The callers of `whenDurable()` waiting for the next journal write: they share one promise,
 * released together once the lines of their event-loop turn are written.
 */
export interface DurabilityWaiters {
  /** The promise of the next journal write (one shared by every caller until then). */
  wait(): Promise<void>;
  /** Detaches the current waiters and returns their release (undefined if nobody waits). */
  take(): (() => void) | undefined;
}

export function createDurabilityWaiters(): DurabilityWaiters {
  let waiters: Promise<void> | undefined;
  let release: (() => void) | undefined;
  return {
    wait() {
      waiters ??= new Promise<void>((resolve) => (release = resolve));
      return waiters;
    },
    take() {
      const taken = release;
      waiters = undefined;
      release = undefined;
      return taken;
    },
  };
}
