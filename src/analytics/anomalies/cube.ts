import type { CauseDimension } from './types.ts';

export const HOUR_MS = 3_600_000;

/** One hour of one (project, user, key, model) combination: what `summarize(['hour', ...])` returns per row. */
export interface HourCell {
  hourMs: number;
  project: string;
  user: string | null;
  key: string | null;
  model: string;
  requests: number;
  costNanoUsd: number;
  inputTokens: number;
  outputTokens: number;
}

/** A combination's hourly arrays over the cube's hours. */
export interface Combo {
  project: string;
  user: string | null;
  key: string | null;
  model: string;
  cost: Float64Array;
  requests: Float64Array;
  inputTokens: Float64Array;
}

/** Hourly arrays of one org's spend, per (project, user, key, model), hour 0 = `startMs`. Built once, checked at any hour. */
export interface Cube {
  startMs: number;
  hours: number;
  combos: Combo[];
}

export function buildCube(cells: Iterable<HourCell>, startMs: number, hours: number): Cube {
  const byId = new Map<string, Combo>();
  for (const cell of cells) {
    const index = Math.floor((cell.hourMs - startMs) / HOUR_MS);
    if (index < 0 || index >= hours) continue;
    const id = `${cell.project}\u0000${cell.user ?? ''}\u0000${cell.key ?? ''}\u0000${cell.model}`;
    let combo = byId.get(id);
    if (!combo) {
      combo = { project: cell.project, user: cell.user, key: cell.key, model: cell.model, cost: new Float64Array(hours), requests: new Float64Array(hours), inputTokens: new Float64Array(hours) };
      byId.set(id, combo);
    }
    combo.cost[index]! += cell.costNanoUsd;
    combo.requests[index]! += cell.requests;
    combo.inputTokens[index]! += cell.inputTokens;
  }
  return { startMs, hours, combos: [...byId.values()] };
}

export function valueOf(combo: Combo, dimension: CauseDimension): string | null {
  return combo[dimension];
}

/** Summed arrays of the combos a filter selects. */
export interface SeriesArrays {
  cost: Float64Array;
  requests: Float64Array;
  inputTokens: Float64Array;
}

export function sumCombos(combos: readonly Combo[], hours: number): SeriesArrays {
  const out = { cost: new Float64Array(hours), requests: new Float64Array(hours), inputTokens: new Float64Array(hours) };
  for (const combo of combos) {
    for (let i = 0; i < hours; i++) {
      out.cost[i]! += combo.cost[i]!;
      out.requests[i]! += combo.requests[i]!;
      out.inputTokens[i]! += combo.inputTokens[i]!;
    }
  }
  return out;
}
