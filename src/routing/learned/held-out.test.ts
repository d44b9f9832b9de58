import { describe, expect, it } from 'vitest';
import { auc, scoreHeldOut } from './held-out.ts';
import { parseJsonlExamples } from './jsonl-dataset.ts';

describe('held-out scoring', () => {
  it('AUC is 1 for a perfect ranking, 0.5 for ties, null with one class', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([0.9, 0.1], [1, 0])).toBe(1);
    expect(auc([0.1, 0.9], [1, 0])).toBe(0);
    expect(auc([0.1, 0.2], [0, 0])).toBeNull();
  });
  it('accuracy and strong share at the threshold', () => {
    expect(scoreHeldOut([0.1, 0.6, 0.7, 0.2], [0, 1, 0, 0], 0.5)).toEqual({ n: 4, positives: 1, auc: 2 / 3, accuracy: 0.75, strongShare: 0.5 });
  });
});

describe('JSONL training data', () => {
  it('reads labels, outcome pairs and weights; names the line of a mistake', () => {
    const examples = parseJsonlExamples(
      ['{"prompt":"a","label":1}', '', '{"prompt":"b","label":false,"weight":2}', '{"prompt":"c","weak_correct":false,"strong_correct":true}', '{"prompt":"d","weak_correct":true,"strong_correct":true}'].join('\n'),
    );
    expect(examples.map((e) => [e.prompt, e.label, e.weight])).toEqual([['a', 1, 1], ['b', 0, 2], ['c', 1, 1], ['d', 0, 1]]);
    expect(() => parseJsonlExamples('{"prompt":"a"}')).toThrow(/line 1: give "label", or both/);
    expect(() => parseJsonlExamples('{"prompt":"a","label":1}\nnot json')).toThrow(/line 2: not JSON/);
    expect(() => parseJsonlExamples('{"prompt":"a","label":2}')).toThrow(/"label" must be 0, 1/);
    expect(() => parseJsonlExamples('[1]')).toThrow(/expected an object/);
    expect(() => parseJsonlExamples('{"prompt":"a","label":1,"weight":-1}')).toThrow(/weight/);
    expect(() => parseJsonlExamples('{"__proto__":{"prompt":"x"},"label":1}')).toThrow(/"prompt" must be/);
  });
});
