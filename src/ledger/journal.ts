import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { LedgerRecord } from './record.ts';

/**
 * The ledger's write-ahead journal: records are appended to a local file before their clients get
 * a response (the writer group-commits the records of one event-loop turn with one `write(2)`), so
 * a record whose response was sent survives a crash or a SIGKILL of the process (the kernel holds
 * the bytes; only losing the machine itself before the page cache is written back could lose
 * them, and the batch commit to the store follows within the flush interval).
 *
 * The journal is cut into segments. The writer `rotate()`s when it takes a batch, so a closed
 * segment holds exactly the records of batches in flight; once those are committed (or spilled,
 * fsync'd), the segment is deleted. At start, leftover segments are read back and replayed
 * (ledger ids make the replay idempotent).
 */
export interface LedgerJournal {
  /** Appends serialised records (JSON lines) with one write(2). */
  appendText(lines: string): void;
  /** Closes the current segment and starts a new one; returns the closed segment. */
  rotate(): JournalSegment;
  /** Records of segments left by a previous process (oldest first), for replay. */
  leftovers(): { segments: JournalSegment[]; records: LedgerRecord[] };
  close(): void;
}

export interface JournalSegment {
  readonly file: string;
  /** Deletes the segment once its records are durable elsewhere. */
  remove(): void;
}

const PREFIX = 'ledger-journal-';

export function openLedgerJournal(directory: string, options: { fsync?: boolean } = {}): LedgerJournal {
  mkdirSync(directory, { recursive: true });
  const existing = readdirSync(directory)
    .filter((name) => name.startsWith(PREFIX) && name.endsWith('.jsonl'))
    .sort((a, b) => sequenceOf(a) - sequenceOf(b));
  let sequence = existing.length ? sequenceOf(existing.at(-1)!) + 1 : 1;
  const leftoverFiles = existing.map((name) => path.join(directory, name));
  let current = openSegment();

  function openSegment(): { file: string; fd: number; bytes: number } {
    const file = path.join(directory, `${PREFIX}${String(sequence++).padStart(12, '0')}.jsonl`);
    return { file, fd: openSync(file, 'a'), bytes: 0 };
  }

  function segment(file: string): JournalSegment {
    return { file, remove: () => rmSync(file, { force: true }) };
  }

  return {
    appendText(lines) {
      if (!lines) return;
      writeSync(current.fd, lines);
      if (options.fsync) fdatasyncSync(current.fd);
      current.bytes += lines.length;
    },
    rotate() {
      const closed = current;
      current = openSegment();
      closeSync(closed.fd);
      return segment(closed.file);
    },
    leftovers() {
      const records: LedgerRecord[] = [];
      for (const file of leftoverFiles) if (existsSync(file)) records.push(...readRecords(file));
      return { segments: leftoverFiles.map(segment), records };
    },
    close() {
      const empty = current.bytes === 0;
      closeSync(current.fd);
      if (empty) rmSync(current.file, { force: true });
    },
  };
}

function sequenceOf(name: string): number {
  return Number(name.slice(PREFIX.length, -'.jsonl'.length));
}

/** Reads JSON lines, skipping a torn last line (a crash mid-write of a record never acknowledged). */
export function readRecords(file: string): LedgerRecord[] {
  const records: LedgerRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as LedgerRecord);
    } catch {
      // torn tail
    }
  }
  return records;
}
