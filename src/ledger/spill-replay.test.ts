import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalSegment, LedgerJournal } from './journal.ts';
import type { LedgerRecord } from './record.ts';
import { SpillFile } from './spill-file.ts';
import { recoverJournalLeftovers, replaySpillFile } from './spill-replay.ts';

const record = (id: string) => ({ id }) as unknown as LedgerRecord;
const directories: string[] = [];
function spillFile(): SpillFile {
  const directory = mkdtempSync(path.join(tmpdir(), 'tollgate-spill-'));
  directories.push(directory);
  return new SpillFile(path.join(directory, 'ledger-spill.jsonl'));
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('spill replay', () => {
  it('turns journal leftovers into spill and removes their segments', () => {
    const spill = spillFile();
    const removed: string[] = [];
    const segment = (file: string): JournalSegment => ({ file, remove: () => void removed.push(file) });
    const journal = { leftovers: () => ({ segments: [segment('s1'), segment('s2')], records: [record('a'), record('b')] }) } as unknown as LedgerJournal;
    const messages: string[] = [];
    expect(recoverJournalLeftovers(journal, spill, (message) => messages.push(message))).toBe(2);
    expect(spill.size).toBe(2);
    expect(removed).toEqual(['s1', 's2']);
    expect(messages).toEqual(['recovered 2 journaled records from a previous run']);
  });

  it('commits the spill file until it is empty, and keeps it when the store fails', async () => {
    const spill = spillFile();
    spill.append([record('a'), record('b')]);
    await expect(replaySpillFile(spill, async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(spill.size).toBe(2);
    const committed: string[] = [];
    expect(await replaySpillFile(spill, async (records) => void committed.push(...records.map((entry) => String(entry.id))))).toBe(2);
    expect(committed).toEqual(['a', 'b']);
    expect(spill.size).toBe(0);
  });
});
