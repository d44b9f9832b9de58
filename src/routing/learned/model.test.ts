import { describe, expect, it } from 'vitest';
import { calibrateThreshold, deserialize, mulberry32, predict, serialize, thresholdForShare, trainRouter, type TrainExample } from './model.ts';

const FILLER = ['the', 'cat', 'river', 'blue', 'apple', 'runs', 'quickly', 'house', 'green', 'table', 'music', 'tree', 'sun', 'window', 'paper', 'road'];
const HARD = ['integral', 'eigenvalue', 'theorem', 'lemma'];

/** Synthetic rule: a prompt needs the strong model iff it mentions one of the HARD words. */
function synthetic(n: number, seed: number): TrainExample[] {
  const rand = mulberry32(seed);
  const out: TrainExample[] = [];
  for (let i = 0; i < n; i++) {
    const words: string[] = [];
    const len = 5 + Math.floor(rand() * 10);
    for (let j = 0; j < len; j++) words.push(FILLER[Math.floor(rand() * FILLER.length)]!);
    const hard = rand() < 0.3;
    if (hard) words.splice(Math.floor(rand() * words.length), 0, HARD[Math.floor(rand() * HARD.length)]!);
    out.push({ prompt: words.join(' '), label: hard ? 1 : 0 });
  }
  return out;
}

const OPTS = { epochs: 10, learningRate: 0.5, l2: 1e-6, seed: 42 };

describe('trainRouter / predict', () => {
  const train = synthetic(600, 1);
  const test = synthetic(300, 2);
  const model = trainRouter(train, OPTS);

  it('learns a separable rule', () => {
    let correct = 0;
    for (const ex of test) if ((predict(model, ex.prompt) >= 0.5 ? 1 : 0) === ex.label) correct++;
    expect(correct / test.length).toBeGreaterThan(0.97);
    expect(predict(model, 'the eigenvalue of the green table')).toBeGreaterThan(0.8);
    expect(predict(model, 'the green table by the river')).toBeLessThan(0.2);
  });

  it('is deterministic for a given seed', () => {
    const again = trainRouter(train, OPTS);
    const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
    expect(same(again.weights, model.weights)).toBe(true);
    expect(again.bias).toBe(model.bias);
    const other = trainRouter(train, { ...OPTS, seed: 43 });
    expect(same(other.weights, model.weights)).toBe(false);
  });

  it('honours example weights (weight 0 = ignored)', () => {
    const flipped = train.map((e) => ({ ...e, label: (1 - e.label) as 0 | 1, weight: 0 }));
    const m = trainRouter([...train, ...flipped], OPTS);
    let correct = 0;
    for (const ex of test) if ((predict(m, ex.prompt) >= 0.5 ? 1 : 0) === ex.label) correct++;
    expect(correct / test.length).toBeGreaterThan(0.97);
    // With weight 1 the flipped copies cancel the signal.
    const cancelled = trainRouter([...train, ...flipped.map((e) => ({ ...e, weight: 1 }))], OPTS);
    expect(predict(cancelled, 'the eigenvalue of the green table')).toBeLessThan(0.8);
  });
});

describe('serialize / deserialize', () => {
  const model = trainRouter(synthetic(400, 3), OPTS);
  model.threshold = 0.37;

  it('round-trips to identical predictions', () => {
    const text = serialize(model);
    const back = deserialize(text);
    expect(back.threshold).toBe(0.37);
    expect(back.bias).toBe(model.bias);
    expect(back.weights.every((v, i) => v === model.weights[i])).toBe(true);
    for (const ex of synthetic(100, 4)) expect(predict(back, ex.prompt)).toBe(predict(model, ex.prompt));
    // Serialising again gives the same text.
    expect(serialize(back)).toBe(text);
  });

  it('is compact JSON with only the non-zero weights, a version, feature config and threshold', () => {
    const text = serialize(model);
    const data = JSON.parse(text) as { version: number; featureConfig: { name: string }; threshold: number; i: number[]; w: number[] };
    let nonZero = 0;
    for (const w of model.weights) if (w !== 0) nonZero++;
    expect(data.version).toBe(1);
    expect(data.featureConfig.name).toBe('tollgate-hashed-v1');
    expect(data.threshold).toBe(0.37);
    expect(data.i.length).toBe(nonZero);
    expect(data.w.every((w) => w !== 0)).toBe(true);
    expect(nonZero).toBeLessThan(model.weights.length / 10);
  });

  it('rejects other versions and feature configs', () => {
    const data = JSON.parse(serialize(model)) as Record<string, unknown>;
    expect(() => deserialize(JSON.stringify({ ...data, version: 2 }))).toThrow(/version/);
    expect(() => deserialize(JSON.stringify({ ...data, featureConfig: { name: 'other', hashBits: 18, dense: 18 } }))).toThrow(/feature config/);
  });
});

describe('calibrateThreshold', () => {
  const model = trainRouter(synthetic(400, 5), OPTS);
  const prompts = synthetic(500, 6).map((e, i) => `${e.prompt} item${i}`); // distinct scores

  it.each([0, 0.1, 0.25, 0.5, 0.8, 1])('routes %s of the prompts strong', (target) => {
    const t = calibrateThreshold(model, prompts, target);
    const share = prompts.filter((p) => predict(model, p) >= t).length / prompts.length;
    expect(Math.abs(share - target)).toBeLessThanOrEqual(1 / prompts.length);
  });

  it('handles ties and rejects bad targets', () => {
    expect(thresholdForShare([0.2, 0.2, 0.2, 0.9], 0.25)).toBeGreaterThan(0.2);
    expect(thresholdForShare([0.2, 0.2, 0.2, 0.9], 0)).toBeGreaterThan(0.9);
    expect(() => thresholdForShare([0.1], 1.5)).toThrow();
  });
});
