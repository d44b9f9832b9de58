import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatchQueue } from './batch-queue.ts';
import type { LedgerRecord } from './record.ts';

const record = (id: string) => ({ id }) as unknown as LedgerRecord;

describe('createBatchQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is due at batchSize records, at once', () => {
    const onDue = vi.fn();
    const queue = createBatchQueue({ batchSize: 2, flushIntervalMs: 250, onDue });
    queue.push(record('a'));
    expect(onDue).not.toHaveBeenCalled();
    queue.push(record('b'));
    expect(onDue).toHaveBeenCalledTimes(1);
    expect(queue.take().length).toBe(2);
    expect(queue.length).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(onDue).toHaveBeenCalledTimes(1); // the interval timer was cancelled
  });

  it('is due flushIntervalMs after the first queued record', () => {
    const onDue = vi.fn();
    const queue = createBatchQueue({ batchSize: 10, flushIntervalMs: 250, onDue });
    queue.push(record('a'));
    vi.advanceTimersByTime(100);
    queue.push(record('b'));
    vi.advanceTimersByTime(150);
    expect(onDue).toHaveBeenCalledTimes(1);
    expect(queue.take().map((entry) => entry.id)).toEqual(['a', 'b']);
  });

  it('starts no timer once stopped', () => {
    const onDue = vi.fn();
    const queue = createBatchQueue({ batchSize: 10, flushIntervalMs: 250, onDue });
    queue.push(record('a'));
    queue.stop();
    queue.push(record('b'));
    vi.advanceTimersByTime(1_000);
    expect(onDue).not.toHaveBeenCalled();
    expect(queue.length).toBe(2);
  });
});
