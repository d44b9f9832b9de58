import { describe, expect, it } from 'vitest';
import { createDurabilityWaiters } from './durability-waiters.ts';

describe('createDurabilityWaiters', () => {
  it('shares one promise until taken, and releases it together', async () => {
    const waiters = createDurabilityWaiters();
    const first = waiters.wait();
    expect(waiters.wait()).toBe(first);
    const release = waiters.take();
    expect(waiters.take()).toBeUndefined();
    expect(waiters.wait()).not.toBe(first);
    release?.();
    await first;
  });
});
