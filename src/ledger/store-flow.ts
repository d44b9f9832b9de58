import type { LedgerRecord } from './record.ts';
import type { LedgerStore } from './store.ts';

/** Appends `records` in slices of `batchSize`, one after another; `onAppended` hears each committed slice. */
export async function appendInBatches(
  records: readonly LedgerRecord[],
  batchSize: number,
  append: (batch: LedgerRecord[]) => Promise<void>,
  onAppended?: (count: number) => void,
): Promise<void> {
  for (let index = 0; index < records.length; index += batchSize) {
    const batch = records.slice(index, index + batchSize);
    await append(batch);
    onAppended?.(batch.length);
  }
}

export interface StoreLoad {
  /** Records handed to the store and not yet acknowledged. */
  inFlight: number;
  /** When the store append now awaited began (undefined while none is). */
  appendStartedMs: number | undefined;
}

/**
 * Whether a new batch of `incoming` records should spill rather than wait behind the store: only
 * while something is in flight, and then if the current append has gone unanswered for `stallMs`
 * or the batch would take the records in flight past `maxInFlight`.
 */
export function isStoreBehind(load: StoreLoad, incoming: number, nowMs: number, limits: { stallMs: number; maxInFlight: number }): boolean {
  const stalled = load.appendStartedMs !== undefined && nowMs - load.appendStartedMs >= limits.stallMs;
  return load.inFlight > 0 && (stalled || load.inFlight + incoming > limits.maxInFlight);
}

/** The records handed to the store and not yet acknowledged, and the start of the append now awaited. */
export interface StoreFlow {
  readonly load: Readonly<StoreLoad>;
  /** `store.append`, timed: appends run one at a time, so the start of the current one tells a stall apart. */
  append(records: LedgerRecord[]): Promise<void>;
  handedOver(count: number): void;
  settled(count: number): void;
}

export function createStoreFlow(store: LedgerStore): StoreFlow {
  const load: StoreLoad = { inFlight: 0, appendStartedMs: undefined };
  return {
    load,
    async append(records) {
      load.appendStartedMs = Date.now();
      try {
        await store.append(records);
      } finally {
        load.appendStartedMs = undefined;
      }
    },
    handedOver(count) {
      load.inFlight += count;
    },
    settled(count) {
      load.inFlight -= count;
    },
  };
}
