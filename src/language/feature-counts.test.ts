import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../domain/seeded-random.ts';
import { FeatureCounts } from './feature-counts.ts';

/** What FeatureCounts replaces: a Map's counts, in its insertion (first-occurrence) order. */
function mapCounts(hashes: number[]): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const hash of hashes) counts.set(hash, (counts.get(hash) ?? 0) + 1);
  return [...counts];
}

function read(counts: FeatureCounts): Array<[number, number]> {
  return Array.from({ length: counts.size }, (_, index) => [counts.hashAt(index), counts.countAt(index)]);
}

describe('FeatureCounts', () => {
  it('counts 32-bit hashes in order of first occurrence, as a Map does, across reuse and growth', () => {
    const random = mulberry32(7);
    const counts = new FeatureCounts();
    for (const length of [0, 1, 5, 100, 3_000, 40, 10_000, 3]) {
      // Few distinct values (repeats, colliding slots) and full-range ones (0 and 2^32-1 included).
      const hashes = Array.from({ length }, (_, index) => (index % 7 === 0 ? [0, 0xffffffff][index % 2]! : Math.floor(random() * (length % 2 ? 50 : 2 ** 32))));
      counts.count(hashes);
      expect(read(counts)).toEqual(mapCounts(hashes));
    }
  });
});
