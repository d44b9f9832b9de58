import type { LedgerStore, ReadLane } from './store.ts';

/** `ledger` with its reads in `lane` (see `ReadLane`); a store without lanes is returned as is. */
export function ledgerIn(ledger: LedgerStore, lane: ReadLane): LedgerStore {
  return ledger.inLane?.(lane) ?? ledger;
}
