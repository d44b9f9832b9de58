/**
 * Blend routers by rank (pure): each component's scores become percentiles over the same prompts,
 * and the blend is their weighted mean. Components on different scales (a probability, a character
 * count, a log-odds) then count by how they order prompts, not by their units. Percentiles use only
 * the scores, never the labels, so blending over a test set leaks nothing; a serving router would
 * take them over recent traffic instead.
 */
import { percentilesWithin } from './subject-folds.ts';

export function rankBlend(components: readonly (readonly number[])[], weights: readonly number[] = components.map(() => 1)): number[] {
  if (components.length === 0) throw new Error('rankBlend: no components');
  if (weights.length !== components.length) throw new Error('rankBlend: one weight per component');
  const n = components[0]!.length;
  const groups = new Array<number>(n).fill(0);
  const out = new Array<number>(n).fill(0);
  const total = weights.reduce((s, w) => s + w, 0);
  components.forEach((scores, c) => {
    if (scores.length !== n) throw new Error('rankBlend: components differ in length');
    const p = percentilesWithin(scores, groups);
    for (let i = 0; i < n; i++) out[i] = out[i]! + (weights[c]! * p[i]!) / total;
  });
  return out;
}
