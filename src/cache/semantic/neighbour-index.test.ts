import { describe, expect, it } from 'vitest';
import { createHashedEmbedder } from '../../language/embedder.ts';
import { contentKeys, NeighbourIndex } from './neighbour-index.ts';

describe('NeighbourIndex postings', () => {
  const embedder = createHashedEmbedder();
  const text = 'How do I learn piano quickly?';
  const vector = embedder.embed(text);
  const keys = contentKeys(text);

  it('finds entries under a key held by one, then two, then one again, and none after both go', () => {
    const index = new NeighbourIndex();
    index.add('a', text, vector);
    expect(index.search(keys, vector, 0.5).map((n) => n.id)).toEqual(['a']);
    index.add('b', text, vector);
    index.add('b', text, vector);
    expect(index.search(keys, vector, 0.5).map((n) => n.id).sort()).toEqual(['a', 'b']);
    index.remove('a');
    expect(index.search(keys, vector, 0.5).map((n) => n.id)).toEqual(['b']);
    index.remove('b');
    expect(index.size).toBe(0);
    expect(index.search(keys, vector, 0.5)).toEqual([]);
    index.add('c', text, vector);
    expect(index.search(keys, vector, 0.5).map((n) => n.id)).toEqual(['c']);
  });
});
