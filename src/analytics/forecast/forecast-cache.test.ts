import { describe, expect, it } from 'vitest';
import { createForecastCache } from './forecast-cache.ts';

const HOUR = 3_600_000;

/** A fit that resolves when told to, counting its calls. */
function controlledFit() {
  const calls: Array<{ resolve(value: string): void; reject(error: Error): void }> = [];
  const fit = (value: string) => () =>
    new Promise<string>((resolve, reject) => {
      calls.push({ resolve: () => resolve(value), reject });
    });
  return { calls, fit };
}

describe('forecast cache', () => {
  it('fits once per key and hour however many callers ask, and serves the kept answer until an hour closes', async () => {
    const cache = createForecastCache<string>();
    const { calls, fit } = controlledFit();
    const first = [cache.get('k', 10 * HOUR, fit('a')), cache.get('k', 10 * HOUR, fit('a')), cache.get('k', 10 * HOUR, fit('a'))];
    expect(calls).toHaveLength(1);
    calls[0]!.resolve('a');
    expect(await Promise.all(first)).toEqual(['a', 'a', 'a']);
    expect(await cache.get('k', 10 * HOUR, fit('x'))).toBe('a');
    expect(cache.fits).toBe(1);
  });

  it('after an hour closes: the old answer at once, one refit in the background, then the new answer', async () => {
    const cache = createForecastCache<string>();
    const { calls, fit } = controlledFit();
    const first = cache.get('k', 10 * HOUR, fit('h10'));
    calls[0]!.resolve('h10');
    await first;
    expect(await cache.get('k', 11 * HOUR, fit('h11'))).toBe('h10');
    expect(await cache.get('k', 11 * HOUR, fit('h11'))).toBe('h10');
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('h11');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', 11 * HOUR, fit('again'))).toBe('h11');
    expect(cache.fits).toBe(2);
  });

  it('keys never share answers (an org is part of the key), a failed fit is not kept, and the size is bounded', async () => {
    const cache = createForecastCache<string>({ maxEntries: 2 });
    expect(await cache.get('["org-a"]', HOUR, async () => 'a')).toBe('a');
    expect(await cache.get('["org-b"]', HOUR, async () => 'b')).toBe('b');
    await expect(cache.get('["org-c"]', HOUR, async () => Promise.reject(new Error('worker gone')))).rejects.toThrow('worker gone');
    expect(await cache.get('["org-c"]', HOUR, async () => 'c')).toBe('c');
    expect(cache.size).toBe(2);
    // org-a was the least recently used: fitted again.
    expect(await cache.get('["org-a"]', HOUR, async () => 'a2')).toBe('a2');
    // A refit that fails leaves the kept answer in place.
    expect(await cache.get('["org-a"]', 2 * HOUR, async () => Promise.reject(new Error('boom')))).toBe('a2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('["org-a"]', 2 * HOUR, async () => 'a3')).toBe('a2');
  });

  it('a fresh ask fits again now (and the next callers get that answer)', async () => {
    const cache = createForecastCache<string>();
    expect(await cache.get('k', HOUR, async () => 'first')).toBe('first');
    expect(await cache.get('k', HOUR, async () => 'second', { fresh: true })).toBe('second');
    expect(await cache.get('k', HOUR, async () => 'third')).toBe('second');
    expect(cache.fits).toBe(2);
  });

  it('an answer keep() refuses is handed out but not kept', async () => {
    const cache = createForecastCache<string>({ keep: (value) => value !== 'none' });
    expect(await cache.get('k', HOUR, async () => 'none')).toBe('none');
    expect(await cache.get('k', HOUR, async () => 'mstl')).toBe('mstl');
    expect(await cache.get('k', HOUR, async () => 'again')).toBe('mstl');
  });
});
