import type { SpendProjection } from '../domain/spend-projection.ts';
import type { LedgerFilter } from '../ledger/store.ts';

/**
 * Projects a budget's spend to its period's end from the ledger's history. Budgets only define the
 * shape: the forecast lives in analytics (a sibling layer budgets may not import), and the runtime
 * wires one in. `undefined` means too little history: the caller keeps its straight line.
 */
export interface SpendProjector {
  project(request: { filter: LedgerFilter; nowMs: number; periodEndMs: number; spentNano: number; limitNano: number }): Promise<SpendProjection | undefined>;
}
