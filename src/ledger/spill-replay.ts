import type { LedgerJournal } from './journal.ts';
import type { LedgerRecord } from './record.ts';
import type { SpillFile } from './spill-file.ts';

/**
 * What a previous process left (a crash, a SIGKILL, a store outage at shutdown): its journal
 * segments become spill, to be replayed with the rest. Returns how many records were recovered.
 */
export function recoverJournalLeftovers(journal: LedgerJournal, spill: SpillFile, log: (message: string, error?: unknown) => void): number {
  const leftovers = journal.leftovers();
  if (leftovers.records.length) {
    spill.append(leftovers.records);
    log(`recovered ${leftovers.records.length} journaled records from a previous run`);
  }
  for (const segment of leftovers.segments) segment.remove();
  return leftovers.records.length;
}

/**
 * Commits the spill file through `append` until it is empty: a snapshot left by a failed attempt
 * first, then rows spilled meanwhile. Returns how many records were committed; throws (leaving
 * the rest spilled) when `append` does.
 */
export async function replaySpillFile(spill: SpillFile, append: (records: LedgerRecord[]) => Promise<void>): Promise<number> {
  let replayed = 0;
  while (spill.size > 0) {
    const count = await spill.replay(append);
    if (count === 0) break;
    replayed += count;
  }
  return replayed;
}
