import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStoreRetry, nextRetryDelay } from './store-retry.ts';

describe('nextRetryDelay', () => {
  it('doubles, capped at the maximum', () => {
    expect(nextRetryDelay(500, 30_000)).toBe(1_000);
    expect(nextRetryDelay(20_000, 30_000)).toBe(30_000);
    expect(nextRetryDelay(30_000, 30_000)).toBe(30_000);
  });
});

describe('createStoreRetry', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs one timer at a time, backs off while attempts fail and starts over after a success', () => {
    const onRetry = vi.fn();
    const retry = createStoreRetry({ minMs: 100, maxMs: 300, onRetry });
    retry.schedule();
    retry.schedule();
    vi.advanceTimersByTime(100);
    expect(onRetry).toHaveBeenCalledTimes(1);
    retry.failed(); // 200
    vi.advanceTimersByTime(199);
    expect(onRetry).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(onRetry).toHaveBeenCalledTimes(2);
    retry.failed(); // 300 (capped)
    vi.advanceTimersByTime(300);
    expect(onRetry).toHaveBeenCalledTimes(3);
    retry.succeeded();
    retry.schedule();
    vi.advanceTimersByTime(100);
    expect(onRetry).toHaveBeenCalledTimes(4);
  });

  it('takes an explicit delay and schedules nothing once stopped', () => {
    const onRetry = vi.fn();
    const retry = createStoreRetry({ minMs: 100, maxMs: 300, onRetry });
    retry.schedule(0);
    vi.advanceTimersByTime(0);
    expect(onRetry).toHaveBeenCalledTimes(1);
    retry.schedule();
    retry.stop();
    retry.schedule();
    retry.failed();
    vi.advanceTimersByTime(1_000);
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});
