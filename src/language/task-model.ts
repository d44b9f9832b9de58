/**
 * The learned task-class model: multinomial logistic regression over `taskFeatures`. Its weights ship
 * as `assets/task-classes.bin` (made by `npm run train:task-classes`), int8 per weight with one scale
 * per class: small (about 130 kB) and loaded once per process.
 */
import { readFileSync } from 'node:fs';
import { FEATURE_COUNT, type SparseFeatures } from './task-features.ts';

export interface TaskModel {
  readonly classes: readonly string[];
  /** Class probabilities for the features (softmax of the linear scores). */
  predict(features: SparseFeatures): Float64Array;
}

const MAGIC = 'TGTC';
const DEFAULT_PATH = new URL('../../assets/task-classes.bin', import.meta.url);

/** A model over dense float weights (`weights[c * FEATURE_COUNT + f]`), as training produces. */
export function linearTaskModel(classes: readonly string[], weights: Float32Array): TaskModel {
  if (weights.length !== classes.length * FEATURE_COUNT) throw new Error('task model: weights do not match the feature count');
  return {
    classes,
    predict(features) {
      const out = new Float64Array(classes.length);
      let max = -Infinity;
      for (let c = 0; c < classes.length; c += 1) {
        const base = c * FEATURE_COUNT;
        let score = 0;
        for (let k = 0; k < features.indices.length; k += 1) score += (weights[base + (features.indices[k] as number)] as number) * (features.values[k] as number);
        out[c] = score;
        if (score > max) max = score;
      }
      let sum = 0;
      for (let c = 0; c < out.length; c += 1) {
        out[c] = Math.exp((out[c] as number) - max);
        sum += out[c] as number;
      }
      for (let c = 0; c < out.length; c += 1) out[c] = (out[c] as number) / sum;
      return out;
    },
  };
}

/** Bytes of the asset: magic, version, class count, feature count, class names, per-class scales, int8 weights. */
export function encodeTaskModel(classes: readonly string[], weights: Float32Array): Buffer {
  const names = Buffer.from(classes.join('\n'), 'utf8');
  const header = Buffer.alloc(20);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(classes.length, 8);
  header.writeUInt32LE(FEATURE_COUNT, 12);
  header.writeUInt32LE(names.length, 16);
  const scales = Buffer.alloc(classes.length * 4);
  const codes = Buffer.alloc(classes.length * FEATURE_COUNT);
  for (let c = 0; c < classes.length; c += 1) {
    let max = 0;
    for (let f = 0; f < FEATURE_COUNT; f += 1) max = Math.max(max, Math.abs(weights[c * FEATURE_COUNT + f] as number));
    const scale = max > 0 ? max / 127 : 1;
    scales.writeFloatLE(scale, c * 4);
    for (let f = 0; f < FEATURE_COUNT; f += 1) codes.writeInt8(Math.round((weights[c * FEATURE_COUNT + f] as number) / scale), c * FEATURE_COUNT + f);
  }
  return Buffer.concat([header, names, scales, codes]);
}

export function decodeTaskModel(bytes: Buffer): TaskModel {
  if (bytes.length < 20 || bytes.toString('latin1', 0, 4) !== MAGIC || bytes.readUInt32LE(4) !== 1) throw new Error('task model: not a TGTC v1 file');
  const count = bytes.readUInt32LE(8);
  const features = bytes.readUInt32LE(12);
  const nameBytes = bytes.readUInt32LE(16);
  if (features !== FEATURE_COUNT) throw new Error(`task model: built for ${features} features, this code makes ${FEATURE_COUNT} (retrain with npm run train:task-classes)`);
  const classes = bytes.toString('utf8', 20, 20 + nameBytes).split('\n');
  const scalesAt = 20 + nameBytes;
  const codesAt = scalesAt + count * 4;
  if (classes.length !== count || bytes.length !== codesAt + count * features) throw new Error('task model: truncated or inconsistent');
  const weights = new Float32Array(count * features);
  for (let c = 0; c < count; c += 1) {
    const scale = bytes.readFloatLE(scalesAt + c * 4);
    for (let f = 0; f < features; f += 1) weights[c * features + f] = bytes.readInt8(codesAt + c * features + f) * scale;
  }
  return linearTaskModel(classes, weights);
}

let shared: TaskModel | undefined;

/** The shipped model, read on first use. */
export function defaultTaskModel(): TaskModel {
  shared ??= decodeTaskModel(readFileSync(DEFAULT_PATH));
  return shared;
}
