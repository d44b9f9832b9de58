import { describe, expect, it } from 'vitest';
import { TASK_CLASSES } from './task-class-names.ts';
import { taskFeatures } from './task-features.ts';
import { decodeTaskModel, encodeTaskModel, linearTaskModel } from './task-model.ts';
import { trainTaskWeights } from './task-train.ts';

describe('task model', () => {
  const examples = [
    ...['Write a Python function that parses a CSV file', 'Fix this JavaScript bug: undefined is not a function', 'Implement a binary search in Rust'].map((prompt) => ({ prompt, label: 'coding' })),
    ...['Write a poem about autumn leaves', 'Compose a short story about a lighthouse keeper', 'Write song lyrics about the sea'].map((prompt) => ({ prompt, label: 'writing' })),
  ].map((example) => ({ ...example, features: taskFeatures(example.prompt) }));

  it('training is deterministic and learns its examples; the int8 asset predicts the same classes', () => {
    const weights = trainTaskWeights(TASK_CLASSES, examples, { epochs: 20 });
    expect(trainTaskWeights(TASK_CLASSES, examples, { epochs: 20 })).toEqual(weights);
    const model = linearTaskModel(TASK_CLASSES, weights);
    const decoded = decodeTaskModel(encodeTaskModel(TASK_CLASSES, weights));
    for (const example of examples) {
      const probabilities = model.predict(example.features);
      const best = probabilities.indexOf(Math.max(...probabilities));
      expect(TASK_CLASSES[best]).toBe(example.label);
      const again = decoded.predict(example.features);
      expect(again.indexOf(Math.max(...again))).toBe(best);
      expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 6);
    }
  });

  it('a damaged or foreign asset is a clear error, not a wrong answer', () => {
    const bytes = encodeTaskModel(TASK_CLASSES, trainTaskWeights(TASK_CLASSES, examples, { epochs: 1 }));
    expect(() => decodeTaskModel(Buffer.from('nonsense'))).toThrow(/not a TGTC v1 file/);
    expect(() => decodeTaskModel(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated/);
    const otherSize = Buffer.from(bytes);
    otherSize.writeUInt32LE(123, 12);
    expect(() => decodeTaskModel(otherSize)).toThrow(/retrain with npm run train:task-classes/);
    expect(() => trainTaskWeights(TASK_CLASSES, [{ features: taskFeatures('x'), label: 'no-such-class' }])).toThrow(/unknown class/);
  });
});
