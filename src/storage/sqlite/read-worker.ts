import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Heavy ledger reads (reports, cache statistics, the request log) off the event loop. better-sqlite3
 * is synchronous: a 5-second scan on the gateway's connection stalls every proxied request for 5
 * seconds. Here a worker thread opens the same database file with its own read-only connection (WAL
 * lets it read while the writer commits) and answers one query at a time; the gateway's thread only
 * waits for a message. The worker is started on first use and does not keep the process alive.
 *
 * The worker's source is plain CommonJS handed to `new Worker(..., { eval: true })`, so it runs the
 * same under tsx, vitest and a bundled build (no TypeScript loader needed in the thread).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// On Linux a nice value belongs to a thread: this lowers the report thread alone, so on a busy
// machine the scheduler runs the gateway's thread first and a long scan takes only spare CPU.
// Elsewhere it would renice the whole process: left as is there.
if (process.platform === 'linux') {
  try { const os = require('node:os'); os.setPriority(Math.max(os.getPriority(), workerData.nice)); } catch {}
}
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new Map();
parentPort.on('message', ({ id, sql, params, mode }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size >= 256) statements.delete(statements.keys().next().value);
      statements.set(sql, statement);
    }
    const rows = mode === 'get' ? statement.safeIntegers(true).get(...params) : statement.safeIntegers(true).all(...params);
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

/** The interactive read thread's nice value on Linux (0 is normal, 19 the lowest priority). */
export const READ_WORKER_NICE = 10;
/** The background read thread's (anomaly catch-up, start-up fits): it takes only CPU nothing else wants. */
export const BACKGROUND_READ_WORKER_NICE = 19;

export interface ReadWorker {
  /** Rows of a SELECT, integers as BigInt (exact). */
  all(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export function createReadWorker(file: string, options: { nice?: number } = {}): ReadWorker {
  const nice = options.nice ?? READ_WORKER_NICE;
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve(rows: Record<string, unknown>[]): void; reject(error: Error): void }>();
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, nice } });
    started.unref();
    started.on('message', (message: { id: number; rows?: Record<string, unknown>[]; error?: string }) => {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.rows ?? []);
      if (pending.size === 0) started.unref();
    });
    started.on('error', (error) => {
      worker = undefined;
      failAll(error);
    });
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      failAll(new Error('the ledger read worker stopped'));
    });
    return started;
  };
  return {
    all(sql, params) {
      worker ??= start();
      // Referenced while a query is in flight (a CLI waiting for its report must not exit early).
      worker.ref();
      const id = (nextId += 1);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, sql, params, mode: 'all' });
      });
    },
    async close() {
      const running = worker;
      worker = undefined;
      if (running) await running.terminate();
    },
  };
}

/** Read threads of the interactive lane: the admin API's reads that arrive together (a dashboard page's calls) run side by side. */
export const INTERACTIVE_READ_THREADS = 2;

/**
 * Several read threads behind one `all`: each query goes to the thread with the fewest queries in
 * flight, so concurrent reads use more than one core; one query alone still runs on one thread. A
 * thread starts on its first query, so a gateway whose reads never overlap starts one.
 */
export function createReadPool(file: string, options: { nice?: number; size: number }): ReadWorker {
  if (options.size <= 1) return createReadWorker(file, options);
  const slots = Array.from({ length: options.size }, () => ({ worker: createReadWorker(file, options), inFlight: 0 }));
  return {
    async all(sql, params) {
      const slot = slots.reduce((best, next) => (next.inFlight < best.inFlight ? next : best));
      slot.inFlight += 1;
      try {
        return await slot.worker.all(sql, params);
      } finally {
        slot.inFlight -= 1;
      }
    },
    async close() {
      await Promise.all(slots.map((slot) => slot.worker.close()));
    },
  };
}
