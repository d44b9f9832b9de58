import { Redis } from 'ioredis';

export interface RedisChannel {
  /** Resolves once the subscription is in place (or failed: messages are then simply not heard). */
  ready: Promise<void>;
  /** Fire and forget: a message lost while Redis is down is not retried. */
  publish(message: string): void;
  close(): void;
}

const OPTIONS = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 } as const;

/**
 * One Redis pub/sub channel between gateway instances: a subscriber connection (a subscribed
 * connection can do nothing else) and a publisher, its own unless an existing connection is lent.
 * Errors are swallowed; ioredis reconnects, and the channel subscribes again on each `ready`
 * (ioredis' own resubscription leaves its promise unhandled: a connection closed right after a
 * reconnect then crashes the process with an unhandled "Connection is closed").
 */
export function openRedisChannel(url: string, channel: string, onMessage: (message: string) => void, publisher?: Redis): RedisChannel {
  const own = publisher ? undefined : new Redis(url, OPTIONS);
  own?.on('error', () => undefined);
  const sender = publisher ?? own!;
  const subscriber = new Redis(url, { ...OPTIONS, enableOfflineQueue: true, autoResubscribe: false });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => onMessage(message));
  const subscribe = () =>
    subscriber.subscribe(channel).then(
      () => undefined,
      () => undefined,
    );
  let connectedBefore = false;
  subscriber.on('ready', () => {
    // The first `ready` is answered by the subscription below; every later one is a reconnect.
    if (connectedBefore) void subscribe();
    connectedBefore = true;
  });
  return {
    ready: subscribe(),
    publish(message) {
      void sender.publish(channel, message).catch(() => undefined);
    },
    close() {
      subscriber.disconnect();
      own?.disconnect();
    },
  };
}
