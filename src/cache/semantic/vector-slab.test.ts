import { describe, expect, it } from 'vitest';
import { VectorSlab } from './vector-slab.ts';

describe('VectorSlab', () => {
  it('reuses a released row, zero-filling what a shorter vector leaves', () => {
    const slab = new VectorSlab(4);
    const a = slab.store(Float32Array.of(1, 2, 3, 4));
    const b = slab.store(Float32Array.of(5, 6, 7, 8));
    slab.release(a);
    const c = slab.store(Float32Array.of(9, 9));
    expect(c.byteOffset).toBe(a.byteOffset);
    expect(Array.from(c)).toEqual([9, 9, 0, 0]);
    expect(Array.from(b)).toEqual([5, 6, 7, 8]);
  });

  it('frees rows on later pages and ignores views it did not hand out', () => {
    const slab = new VectorSlab(2);
    const views = Array.from({ length: 1_030 }, (_, index) => slab.store(Float32Array.of(index, index)));
    slab.release(new Float32Array(2));
    slab.release(views[1_027]!);
    const again = slab.store(Float32Array.of(-1, -1));
    expect(again.buffer).toBe(views[1_027]!.buffer);
    expect(again.byteOffset).toBe(views[1_027]!.byteOffset);
    expect(Array.from(views[1_026]!)).toEqual([1_026, 1_026]);
  });
});
