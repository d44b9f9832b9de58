import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from './record.ts';
import type { LedgerStore } from './store.ts';
import { appendInBatches, createStoreFlow, isStoreBehind } from './store-flow.ts';

const records = (count: number) => Array.from({ length: count }, (_, index) => ({ id: `r${index}` }) as unknown as LedgerRecord);

describe('appendInBatches', () => {
  it('appends slices of batchSize in order and reports each committed slice', async () => {
    const batches: number[] = [];
    const reported: number[] = [];
    await appendInBatches(records(5), 2, async (batch) => void batches.push(batch.length), (count) => reported.push(count));
    expect(batches).toEqual([2, 2, 1]);
    expect(reported).toEqual([2, 2, 1]);
  });

  it('stops at the first failed slice, having reported only the ones before it', async () => {
    const reported: number[] = [];
    let calls = 0;
    const append = async () => {
      calls += 1;
      if (calls === 2) throw new Error('down');
    };
    await expect(appendInBatches(records(5), 2, append, (count) => reported.push(count))).rejects.toThrow('down');
    expect(reported).toEqual([2]);
  });
});

describe('isStoreBehind', () => {
  const limits = { stallMs: 1_000, maxInFlight: 10 };

  it('is never behind with nothing in flight', () => {
    expect(isStoreBehind({ inFlight: 0, appendStartedMs: 0 }, 100, 5_000, limits)).toBe(false);
  });

  it('is behind when the current append has gone unanswered for stallMs', () => {
    expect(isStoreBehind({ inFlight: 1, appendStartedMs: 1_000 }, 1, 1_999, limits)).toBe(false);
    expect(isStoreBehind({ inFlight: 1, appendStartedMs: 1_000 }, 1, 2_000, limits)).toBe(true);
  });

  it('is behind when the batch would take the records in flight past maxInFlight', () => {
    expect(isStoreBehind({ inFlight: 5, appendStartedMs: undefined }, 5, 0, limits)).toBe(false);
    expect(isStoreBehind({ inFlight: 5, appendStartedMs: undefined }, 6, 0, limits)).toBe(true);
  });
});

describe('createStoreFlow', () => {
  it('times the append now awaited and counts records in flight', async () => {
    let release: () => void = () => undefined;
    const store = { append: () => new Promise<void>((resolve) => (release = resolve)) } as unknown as LedgerStore;
    const flow = createStoreFlow(store);
    flow.handedOver(3);
    const pending = flow.append(records(3));
    expect(flow.load.appendStartedMs).toBeTypeOf('number');
    release();
    await pending;
    expect(flow.load.appendStartedMs).toBeUndefined();
    flow.settled(3);
    expect(flow.load.inFlight).toBe(0);
  });
});
