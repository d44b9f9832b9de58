import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readRecords } from './journal.ts';
import type { LedgerRecord } from './record.ts';

/**
 * Records the store could not take, as fsync'd JSON lines, until a replay commits them. Replays
 * work on a snapshot (the file is renamed first), so rows spilled during a replay are kept.
 */
export class SpillFile {
  private count: number;

  constructor(private readonly file: string) {
    this.count = existsSync(file) ? readRecords(file).length : 0;
    if (existsSync(this.replayFile)) this.count += readRecords(this.replayFile).length;
  }

  get size(): number {
    return this.count;
  }

  private get replayFile(): string {
    return `${this.file}.replaying`;
  }

  append(records: readonly LedgerRecord[]): void {
    if (!records.length) return;
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.count += records.length;
  }

  /**
   * Hands the spilled records to `commit`; on success they are gone from disk, on failure they
   * stay for the next attempt. A crash in between leaves the snapshot file, read back next time
   * (ledger ids make the second commit a no-op).
   */
  async replay(commit: (records: LedgerRecord[]) => Promise<void>): Promise<number> {
    if (!existsSync(this.replayFile)) {
      if (!existsSync(this.file)) return 0;
      renameSync(this.file, this.replayFile);
    }
    const records = readRecords(this.replayFile);
    await commit(records);
    rmSync(this.replayFile, { force: true });
    this.count = existsSync(this.file) ? readRecords(this.file).length : 0;
    return records.length;
  }
}
