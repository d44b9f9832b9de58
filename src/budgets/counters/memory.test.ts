import { describe, expect, it } from 'vitest';
import { createMemoryCounters } from './memory.ts';

const check = (amountNano: number) => ({ budgetId: 'b', buckets: ['b:p0'], limitNano: 1_000, fixedNano: 0, amountNano, force: false });
const peek = async (counters: ReturnType<typeof createMemoryCounters>, nowMs: number) => (await counters.peek([{ budgetId: 'b', buckets: [], fixedNano: 0 }], nowMs))[0];

describe('memory counters: in-flight reservations', () => {
  it('keeps their total through reserves, settles and a reservation reserved again under its id', async () => {
    const counters = createMemoryCounters();
    await counters.tryReserve('r1', [check(300)], 60_000, 0);
    await counters.tryReserve('r2', [check(200)], 60_000, 0);
    expect(await peek(counters, 1)).toBe(500);
    await counters.tryReserve('r1', [check(100)], 60_000, 0);
    expect(await peek(counters, 1)).toBe(300);
    await counters.settle('r2', ['b'], [{ bucket: 'b:p0', amountNano: 150, ttlSeconds: 60 }]);
    expect(await peek(counters, 1)).toBe(100);
    expect((await counters.tryReserve('r3', [check(900)], 60_000, 1)).ok).toBe(false); // 150 spent + 100 reserved + 900 > 1,000
  });

  it('drops a lapsed reservation once its time is past, and not before', async () => {
    const counters = createMemoryCounters();
    await counters.tryReserve('short', [check(400)], 1_000, 0);
    await counters.tryReserve('long', [check(100)], 60_000, 0);
    expect(await peek(counters, 1_000)).toBe(500);
    expect(await peek(counters, 1_001)).toBe(100);
    await counters.settle('short', ['b'], []); // already lapsed: nothing more comes off
    expect(await peek(counters, 1_002)).toBe(100);
    expect(await peek(counters, 60_001)).toBe(0);
  });
});
