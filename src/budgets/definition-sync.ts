import { openRedisChannel } from '../redis/channel.ts';
import type { StoredBudget } from './store.ts';

const CHANNEL = 'tg:budget-definitions';

export interface DefinitionSync {
  /** Tell the other instances that budget definitions changed (after this instance stored the change). */
  announce(): void;
  close(): Promise<void>;
}

/**
 * Keeps admin-defined budgets the same on every instance sharing a store: a change made through one
 * instance's admin API is announced over Redis pub/sub (when REDIS_URL is set) and every instance
 * also re-reads the definitions every `intervalMs`, which catches an announcement lost while Redis
 * was down. `apply` receives the stored definitions whenever they differ from the last seen.
 */
export function startDefinitionSync(options: {
  list: () => Promise<readonly StoredBudget[]>;
  apply: (stored: readonly StoredBudget[]) => Promise<void>;
  intervalMs: number;
  redisUrl?: string | undefined;
  log: (line: string) => void;
}): DefinitionSync {
  /** Definitions in a comparable form (order-independent). */
  const fingerprint = (stored: readonly StoredBudget[]) => JSON.stringify([...stored].sort((a, b) => a.id.localeCompare(b.id)));
  let last: string | undefined;
  let running: Promise<void> | undefined;
  const reload = (): Promise<void> =>
    (running ??= (async () => {
      try {
        const stored = await options.list();
        const text = fingerprint(stored);
        if (last !== undefined && text !== last) await options.apply(stored);
        last = text;
      } catch (error) {
        options.log(`budget definitions could not be re-read: ${(error as Error).message}`);
      } finally {
        running = undefined;
      }
    })());
  void reload();
  const timer = setInterval(() => void reload(), options.intervalMs);
  timer.unref();

  const channel = options.redisUrl ? openRedisChannel(options.redisUrl, CHANNEL, () => void reload()) : undefined;
  return {
    announce() {
      // This instance already applied the change; remember it so the next poll does not re-apply.
      void options.list().then(
        (stored) => void (last = fingerprint(stored)),
        () => undefined,
      );
      channel?.publish(String(Date.now()));
    },
    async close() {
      clearInterval(timer);
      channel?.close();
    },
  };
}
