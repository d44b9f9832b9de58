/**
 * Expected accuracy gain of sending a prompt to the strong model (pure, deterministic).
 *
 * Routing a prompt strong changes the answer's correctness by strongCorrect − weakCorrect: +1 when
 * only the strong model is right, −1 when only the weak one is, 0 otherwise. The quality-vs-share
 * curve (and so APGR and the share for 95% of strong accuracy) is best when prompts are ordered by
 * the expectation of that change, P(+1) − P(−1). A model trained on the +1 label alone ranks by
 * P(+1) and treats "only the weak model is right" like "both right"; this one fits two boosted
 * stump models, one per side, on the same topic-free inputs and scores by the difference of their
 * probabilities.
 */
import { stumpLogit, trainStumps, type StumpModel, type StumpOptions } from './stumps.ts';

export interface PairOutcome {
  weakCorrect: boolean;
  strongCorrect: boolean;
}

export interface GainModel {
  /** Log-odds that only the strong model is right. */
  up: StumpModel;
  /** Log-odds that only the weak model is right. */
  down: StumpModel;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function trainGainModel(rows: readonly ArrayLike<number>[], outcomes: readonly PairOutcome[], options: Partial<StumpOptions> = {}): GainModel {
  if (rows.length !== outcomes.length) throw new Error('gain model: one outcome per row');
  const up = outcomes.map((o) => (o.strongCorrect && !o.weakCorrect ? 1 : 0) as 0 | 1);
  const down = outcomes.map((o) => (o.weakCorrect && !o.strongCorrect ? 1 : 0) as 0 | 1);
  return { up: trainStumps(rows, up, options), down: trainStumps(rows, down, options) };
}

/** P(only strong right) − P(only weak right), in [−1, 1]: higher sends the prompt strong first. */
export function expectedGain(model: GainModel, row: ArrayLike<number>): number {
  return sigmoid(stumpLogit(model.up, row)) - sigmoid(stumpLogit(model.down, row));
}
