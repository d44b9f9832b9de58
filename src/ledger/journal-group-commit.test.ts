import { describe, expect, it } from 'vitest';
import type { LedgerJournal } from './journal.ts';
import { createJournalGroupCommit } from './journal-group-commit.ts';
import type { LedgerRecord } from './record.ts';

const record = (id: string) => ({ id }) as unknown as LedgerRecord;

function fakeJournal(fail = false): LedgerJournal & { writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    appendText(lines) {
      if (fail) throw new Error('disk full');
      writes.push(lines);
    },
    rotate: () => ({ file: '', remove: () => undefined }),
    leftovers: () => ({ segments: [], records: [] }),
    close: () => undefined,
  };
}

describe('createJournalGroupCommit', () => {
  it('writes the lines of one event-loop turn with one write and then resolves whenDurable', async () => {
    const journal = fakeJournal();
    const group = createJournalGroupCommit(journal, () => undefined);
    await expect(group.whenDurable()).resolves.toBeUndefined();
    group.add(record('a'));
    group.add(record('b'));
    const durable = group.whenDurable();
    expect(journal.writes).toEqual([]);
    await durable;
    expect(journal.writes).toEqual(['{"id":"a"}\n{"id":"b"}\n']);
  });

  it('still releases the waiters when the journal write fails, and logs it', async () => {
    const messages: string[] = [];
    const group = createJournalGroupCommit(fakeJournal(true), (message) => messages.push(message));
    group.add(record('a'));
    await group.whenDurable();
    expect(messages).toEqual(['could not write the ledger journal; records still go to the store']);
  });

  it('writes nothing once closed', () => {
    const journal = fakeJournal();
    const group = createJournalGroupCommit(journal, () => undefined);
    group.add(record('a'));
    group.close();
    group.writeNow();
    expect(group.closed).toBe(true);
    expect(journal.writes).toEqual([]);
  });
});
