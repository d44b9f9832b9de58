import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './rate-limiter.ts';

describe('in-process key rate limiter', () => {
  const minute = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);

  it('counts requests per fixed minute; a refusal counts nothing and says when the window turns', async () => {
    const limiter = createMemoryRateLimiter();
    expect(await limiter.take('k', 0, { requestsPerMinute: 2 }, minute + 1_000)).toEqual({ ok: true });
    expect(await limiter.take('k', 0, { requestsPerMinute: 2 }, minute + 2_000)).toEqual({ ok: true });
    expect(await limiter.take('k', 0, { requestsPerMinute: 2 }, minute + 45_000)).toEqual({ ok: false, limit: 'requests', retryAfterMs: 15_000 });
    expect(await limiter.take('other', 0, { requestsPerMinute: 2 }, minute + 45_000)).toEqual({ ok: true });
    expect(await limiter.take('k', 0, { requestsPerMinute: 2 }, minute + 60_000)).toEqual({ ok: true });
  });

  it('counts tokens; a request that does not fit leaves room for a smaller one', async () => {
    const limiter = createMemoryRateLimiter();
    const limits = { tokensPerMinute: 300 };
    expect((await limiter.take('k', 200, limits, minute)).ok).toBe(true);
    expect(await limiter.take('k', 150, limits, minute + 10)).toMatchObject({ ok: false, limit: 'tokens' });
    expect((await limiter.take('k', 100, limits, minute + 20)).ok).toBe(true);
    expect((await limiter.take('k', 1, limits, minute + 30)).ok).toBe(false);
  });

  it('settle corrects the token count of the window it was taken in, never below zero', async () => {
    const limiter = createMemoryRateLimiter();
    const limits = { tokensPerMinute: 300 };
    await limiter.take('k', 280, limits, minute);
    await limiter.adjust('k', minute, -250);
    expect((await limiter.take('k', 250, limits, minute + 1)).ok).toBe(true);
    await limiter.adjust('k', minute, -10_000);
    expect((await limiter.take('k', 300, limits, minute + 2)).ok).toBe(true);
    await limiter.adjust('k', minute - 60_000, 1_000);
    expect((await limiter.take('k', 1, limits, minute + 3)).ok).toBe(false);
  });

  it('stays bounded with many keys: windows that have passed are dropped', async () => {
    const limiter = createMemoryRateLimiter({ maxKeys: 100 });
    for (let i = 0; i < 100; i += 1) await limiter.take(`old-${i}`, 0, { requestsPerMinute: 1 }, minute);
    for (let i = 0; i < 100; i += 1) expect((await limiter.take(`new-${i}`, 0, { requestsPerMinute: 1 }, minute + 60_000)).ok).toBe(true);
  });
});
