import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../domain/seeded-random.ts';
import { TalliedHistogram } from './tallied-histogram.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

function pair(buckets: readonly number[] = BUCKETS) {
  const real = new Registry();
  const tallied = new Registry();
  const options = { name: 'test_duration_seconds', help: 'A duration.' };
  const histogram = new Histogram({ ...options, labelNames: ['operation', 'provider', 'stream'], buckets: [...buckets], registers: [real] });
  const ours = new TalliedHistogram({ ...options, labelNames: ['operation', 'provider', 'stream'], buckets, registry: tallied });
  const observe = (operation: string, provider: string, stream: string, value: number) => {
    histogram.observe({ operation, provider, stream }, value);
    ours.observe(`${operation}\u0000${provider}\u0000${stream}`, value, () => ({ operation, provider, stream }));
  };
  return { observe, real, tallied, histogram, ours };
}

describe('TalliedHistogram', () => {
  it('renders exactly the text a prom-client Histogram renders for the same observations (bounds, above the last, sums, label escaping)', async () => {
    const { observe, real, tallied } = pair();
    const random = mulberry32(7);
    const operations = ['chat', 'messages', 'embedding'];
    const providers = ['openai', 'anthropic', 'with "quotes"\\and\nnewline'];
    for (let index = 0; index < 5_000; index += 1) {
      const value = index % 50 === 0 ? BUCKETS[index % BUCKETS.length]! : index % 97 === 0 ? 500 + random() : random() ** 4 * 30;
      observe(operations[index % 3]!, providers[Math.floor(random() * 3)]!, String(index % 2 === 0), value);
    }
    observe('chat', 'openai', 'false', 0);
    const expected = await real.metrics();
    expect(await tallied.metrics()).toBe(expected);
    // A second scrape is the same (rebuilt from the tallies, not added to), and later observations count.
    expect(await tallied.metrics()).toBe(expected);
    observe('chat', 'late', 'true', 0.07);
    expect(await tallied.metrics()).toBe(await real.metrics());
  });

  it('renders an unobserved histogram as prom-client does, keeps unsorted buckets in the given order, and refuses what prom-client refuses', async () => {
    const empty = pair();
    expect(await empty.tallied.metrics()).toBe(await empty.real.metrics());
    const unsorted = pair([1, 0.1, 10]);
    for (const value of [0.05, 0.5, 5, 50]) unsorted.observe('chat', 'openai', 'false', value);
    expect(await unsorted.tallied.metrics()).toBe(await unsorted.real.metrics());
    const { histogram, ours } = pair();
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => histogram.observe({ operation: 'chat', provider: 'p', stream: 'false' }, value)).toThrow(TypeError);
      expect(() => ours.observe('k', value, () => ({ operation: 'chat', provider: 'p', stream: 'false' }))).toThrow(TypeError);
    }
  });
});
