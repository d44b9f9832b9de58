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

  it('scores the newest 2,048 entries still held under the rarest key, through removals and re-adds', () => {
    const index = new NeighbourIndex();
    const held: string[] = [];
    const add = (id: string) => {
      index.add(id, text, vector, ['common', `own-${id}`]);
      if (held.includes(id)) held.splice(held.indexOf(id), 1);
      held.push(id);
    };
    const remove = (id: string) => {
      expect(index.remove(id)).toBe(held.includes(id));
      if (held.includes(id)) held.splice(held.indexOf(id), 1);
    };
    // All vectors equal: the best first keeps insertion order, so the first neighbour is the oldest one scored.
    const first = () => index.search(['common'], vector, 0.5, 1)[0]?.id;
    const expected = () => held[Math.max(0, held.length - 2_048)];
    for (let n = 0; n < 3_000; n += 1) add(`e${n}`);
    expect(first()).toBe(expected());
    for (let n = 0; n < 1_500; n += 1) remove(`e${n}`);
    expect(first()).toBe('e1500');
    for (let n = 3_000; n < 4_000; n += 1) add(`e${n}`);
    expect(first()).toBe(expected());
    add('e1600'); // re-added: now the newest
    remove('e1952');
    remove('e1952');
    expect(first()).toBe(expected());
    expect(index.size).toBe(held.length);
    expect(index.search(['common', 'own-e1600'], vector, 0.5, 4).map((n) => n.id)).toEqual(['e1600']);
    for (const id of [...held]) remove(id);
    expect(index.size).toBe(0);
    expect(index.search(['common'], vector, 0.5)).toEqual([]);
  });

  it('a key given twice for one entry holds it once', () => {
    const index = new NeighbourIndex();
    index.add('a', text, vector, ['x', 'x', 'y']);
    index.add('b', text, vector, ['x', 'x']);
    expect(index.search(['x'], vector, 0.5).map((n) => n.id)).toEqual(['a', 'b']);
    index.remove('a');
    expect(index.search(['x'], vector, 0.5).map((n) => n.id)).toEqual(['b']);
  });
});
