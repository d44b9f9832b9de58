/**
 * The ledger writer's rollups, computed in bulk for a time-ordered stream of rows: the same
 * `rollupValues` / `tagRollupValues` the stores' `append` uses, summed per key, each hour's (and
 * each day's) groups handed out once the stream has passed it. Used by the bench's bulk loaders,
 * which write raw rows and these rollup rows directly instead of upserting batch by batch.
 */
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { NARROW_ROLLUP_KEYS, ROLLUP_KEYS, TAG_ROLLUP_KEYS, narrowValues, rollupValues, tagRollupValues } from '../../src/storage/sql/ledger-columns.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type RollupTable = 'ledger_hourly' | 'ledger_daily' | 'ledger_hourly_narrow' | 'ledger_daily_narrow' | 'ledger_hourly_tags';

class Groups {
  private readonly groups = new Map<string, number[]>();
  constructor(private readonly keyCount: number) {}
  add(values: unknown[]): void {
    // Key values are numbers and short ids without control characters: joined by \u0001 they are unambiguous.
    let key = String(values[0]);
    for (let index = 1; index < this.keyCount; index += 1) key += `\u0001${values[index] as string}`;
    const group = this.groups.get(key);
    if (!group) {
      this.groups.set(key, values as number[]);
      return;
    }
    for (let index = this.keyCount; index < values.length; index += 1) {
      const sum = group[index]! + (values[index] as number);
      // Per hour or day these sums stay far below 2^53; a ledger where they do not would need the writer's split.
      if (!Number.isSafeInteger(sum)) throw new Error('a bulk rollup sum left the safe-integer range');
      group[index] = sum;
    }
  }
  drain(emit: (row: unknown[]) => void): void {
    for (const row of this.groups.values()) emit(row);
    this.groups.clear();
  }
}

/** Feed rows in time order with `add`; `emit` receives each finished rollup row; call `finish` at the end. */
export function bulkRollups(emit: (table: RollupTable, row: unknown[]) => void) {
  const hourly = new Groups(ROLLUP_KEYS.length);
  const daily = new Groups(ROLLUP_KEYS.length);
  const tags = new Groups(TAG_ROLLUP_KEYS.length);
  const hourlyNarrow = new Groups(NARROW_ROLLUP_KEYS.length);
  const dailyNarrow = new Groups(NARROW_ROLLUP_KEYS.length);
  let hour = Number.NEGATIVE_INFINITY;
  let day = Number.NEGATIVE_INFINITY;
  const flushDay = () => {
    daily.drain((row) => emit('ledger_daily', row));
    dailyNarrow.drain((row) => emit('ledger_daily_narrow', row));
  };
  const flushHour = () => {
    hourly.drain((row) => emit('ledger_hourly', row));
    hourlyNarrow.drain((row) => emit('ledger_hourly_narrow', row));
    tags.drain((row) => emit('ledger_hourly_tags', row));
  };
  return {
    add(record: LedgerRecord): void {
      const recordHour = Math.floor(record.timeMs / HOUR_MS) * HOUR_MS;
      const recordDay = Math.floor(record.timeMs / DAY_MS) * DAY_MS;
      if (recordHour < hour) throw new Error('bulk rollups need rows in time order');
      if (recordHour !== hour) flushHour();
      if (recordDay !== day) flushDay();
      hour = recordHour;
      day = recordDay;
      const values = rollupValues(record);
      const dayValues = [recordDay, ...values.slice(1)];
      hourly.add(values);
      daily.add(dayValues);
      hourlyNarrow.add(narrowValues(values));
      dailyNarrow.add(narrowValues(dayValues));
      for (const tagValues of tagRollupValues(record, values.slice(ROLLUP_KEYS.length))) tags.add(tagValues);
    },
    finish(): void {
      flushHour();
      flushDay();
    },
  };
}
