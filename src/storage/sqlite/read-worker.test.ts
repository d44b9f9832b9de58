import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { skipUnless } from '../../../test/support/skip-unless.ts';
import { openSqlite } from './open.ts';
import { createReadWorker, READ_WORKER_NICE, type ReadWorker } from './read-worker.ts';

/** Nice value of each thread of this process, by thread id (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return nices;
}

let dir: string | undefined;
let worker: ReadWorker | undefined;
afterEach(async () => {
  await worker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  worker = undefined;
  dir = undefined;
});

describe('ledger read worker', () => {
  it('answers queries on the database file from its own connection', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tollgate-read-worker-'));
    const db = openSqlite(dir);
    db.exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (9007199254740993)");
    worker = createReadWorker(db.name);
    expect(await worker.all('SELECT n FROM t ORDER BY n', [])).toEqual([{ n: 1n }, { n: 9007199254740993n }]);
    await expect(worker.all('SELECT * FROM missing', [])).rejects.toThrow(/no such table/);
    db.close();
  });
});

skipUnless(process.platform === 'linux' && getPriority() < READ_WORKER_NICE, 'per-thread nice values are a Linux feature (and this process must run below the worker nice)')(
  'ledger read worker priority',
  () => {
    it('runs at a lower priority than the gateway thread, which keeps its own', async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'tollgate-read-worker-'));
      const db = openSqlite(dir);
      const before = threadNices();
      const mainNice = getPriority();
      worker = createReadWorker(db.name);
      await worker.all('SELECT 1 AS one', []);
      const added = [...threadNices()].filter(([tid]) => !before.has(tid));
      // The worker thread (and any helper thread it started) runs at the lowered nice; this thread does not.
      expect(added.some(([, nice]) => nice === READ_WORKER_NICE)).toBe(true);
      expect(getPriority()).toBe(mainNice);
      expect(threadNices().get(process.pid)).toBe(mainNice);
      db.close();
    });
  },
);
