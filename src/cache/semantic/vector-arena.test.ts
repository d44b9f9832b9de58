import { describe, expect, it } from 'vitest';
import { VectorArena } from './vector-arena.ts';

describe('VectorArena', () => {
  it('hands out zeroed vectors that never overlap, across chunks', () => {
    const arena = new VectorArena(4 * 10);
    const vectors = Array.from({ length: 7 }, () => arena.take(4));
    vectors.forEach((vector, index) => {
      expect(vector.length).toBe(4);
      expect([...vector]).toEqual([0, 0, 0, 0]);
      vector.fill(index + 1);
    });
    // Writing one never touched another.
    vectors.forEach((vector, index) => expect([...vector]).toEqual([index + 1, index + 1, index + 1, index + 1]));
    // Two vectors fit in a 40-byte chunk: the third starts a new one.
    expect(vectors[1]!.buffer).toBe(vectors[0]!.buffer);
    expect(vectors[2]!.buffer).not.toBe(vectors[0]!.buffer);
  });

  it('gives a vector larger than a chunk its own buffer', () => {
    const arena = new VectorArena(16);
    const big = arena.take(10);
    expect(big.length).toBe(10);
    expect(big.buffer.byteLength).toBe(40);
    expect([...arena.take(2)]).toEqual([0, 0]);
  });
});
