import { describe, expect, it } from 'vitest';
import { leaveSubjectsOut, percentilesWithin, subjectFolds } from './subject-folds.ts';

describe('subjectFolds', () => {
  it('deals sorted subjects round-robin, whatever order they come in', () => {
    const subjects = Array.from({ length: 57 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const a = subjectFolds(subjects, 5);
    const b = subjectFolds([...subjects].reverse().concat(subjects), 5);
    expect([...a]).toEqual([...b].sort((x, y) => x[0].localeCompare(y[0])));
    const sizes = [0, 0, 0, 0, 0];
    for (const f of a.values()) sizes[f]!++;
    expect(sizes).toEqual([12, 12, 11, 11, 11]);
  });

  it('refuses fewer subjects than folds and a silly fold count', () => {
    expect(() => subjectFolds(['a', 'b'], 5)).toThrow(/cannot fill/);
    expect(() => subjectFolds(['a', 'b'], 1)).toThrow(/folds/);
  });
});

describe('leaveSubjectsOut', () => {
  it('never puts a test subject in training, and always trains on the extra set', () => {
    const items = ['a', 'a', 'b', 'c', 'c', 'd'].map((subject, i) => ({ subject, i }));
    const extra = [{ subject: 'gsm8k', i: 99 }];
    const splits = leaveSubjectsOut(items, subjectFolds(['a', 'b', 'c', 'd'], 2), extra);
    expect(splits).toHaveLength(2);
    for (const s of splits) {
      const testSubjects = new Set(s.test.map((x) => x.subject));
      expect(s.train.some((x) => testSubjects.has(x.subject))).toBe(false);
      expect(s.train).toContainEqual(extra[0]);
      expect(s.train.length + s.test.length).toBe(items.length + 1);
    }
    expect(splits.flatMap((s) => s.test.map((x) => x.i)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('names a subject without a fold', () => {
    expect(() => leaveSubjectsOut([{ subject: 'zzz' }], subjectFolds(['a', 'b'], 2))).toThrow(/zzz/);
  });
});

describe('percentilesWithin', () => {
  it('ranks within each group and gives ties their mid-rank', () => {
    const p = percentilesWithin([5, 1, 3, 100, 100, 7], [0, 0, 0, 1, 1, 1]);
    expect(p.slice(0, 3)).toEqual([5 / 6, 1 / 6, 3 / 6]);
    expect(p.slice(3)).toEqual([4 / 6, 4 / 6, 1 / 6]);
  });
});

describe('rankBlend', () => {
  it('averages percentiles, so units do not matter', async () => {
    const { rankBlend } = await import('./rank-blend.ts');
    const a = [0.1, 0.9, 0.5];
    const b = [3000, 10, 200];
    expect(rankBlend([a, b])).toEqual([(1 / 6 + 5 / 6) / 2, (5 / 6 + 1 / 6) / 2, 0.5]);
    expect(rankBlend([a, b], [1, 0])).toEqual([1 / 6, 5 / 6, 0.5]);
    expect(() => rankBlend([a, [1]])).toThrow(/differ in length/);
  });
});
