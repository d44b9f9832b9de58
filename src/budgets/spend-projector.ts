import type { LedgerFilter } from '../ledger/store.ts';

/** A forecast of a budget's spend at its period's end (nano-USD), with its 80% and 95% intervals. */
export interface SpendProjection {
  projectedNano: number;
  lo80Nano: number;
  hi80Nano: number;
  lo95Nano: number;
  hi95Nano: number;
  /** When the forecast's mean path reaches the limit; null when not before the period ends. */
  exhaustionAtMs: number | null;
  /** The model behind it, for the alert's message. */
  model: string;
}

/**
 * Projects a budget's spend to its period's end from the ledger's history. Budgets only define the
 * shape: the forecast lives in analytics (a sibling layer budgets may not import), and the runtime
 * wires one in. `undefined` means too little history: the caller keeps its straight line.
 */
export interface SpendProjector {
  project(request: { filter: LedgerFilter; nowMs: number; periodEndMs: number; spentNano: number; limitNano: number }): Promise<SpendProjection | undefined>;
}
