import { Redis } from 'ioredis';
import type { BudgetConfig } from '../config/schema.ts';

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
  list: () => Promise<readonly BudgetConfig[]>;
  apply: (stored: readonly BudgetConfig[]) => Promise<void>;
  intervalMs: number;
  redisUrl?: string | undefined;
  log: (line: string) => void;
}): DefinitionSync {
  let last: string | undefined;
  let running: Promise<void> | undefined;
  const reload = (): Promise<void> =>
    (running ??= (async () => {
      try {
        const stored = await options.list();
        const text = JSON.stringify([...stored].sort((a, b) => a.id.localeCompare(b.id)));
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

  let publisher: Redis | undefined;
  let subscriber: Redis | undefined;
  if (options.redisUrl) {
    const redisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 } as const;
    publisher = new Redis(options.redisUrl, redisOptions);
    subscriber = new Redis(options.redisUrl, { ...redisOptions, enableOfflineQueue: true });
    publisher.on('error', () => undefined);
    subscriber.on('error', () => undefined);
    subscriber.on('message', () => void reload());
    void subscriber.subscribe(CHANNEL).catch(() => undefined);
  }
  return {
    announce() {
      // This instance already applied the change; remember it so the next poll does not re-apply.
      void options.list().then(
        (stored) => void (last = JSON.stringify([...stored].sort((a, b) => a.id.localeCompare(b.id)))),
        () => undefined,
      );
      void publisher?.publish(CHANNEL, String(Date.now())).catch(() => undefined);
    },
    async close() {
      clearInterval(timer);
      publisher?.disconnect();
      subscriber?.disconnect();
    },
  };
}
