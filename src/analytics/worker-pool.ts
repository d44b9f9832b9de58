import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../domain/errors.ts';

export interface WorkerPoolOptions {
  /** The worker's TypeScript entry (it answers `{ id, result }` or `{ id, error }` and posts `{ ready: true }` once loaded). */
  entry: URL;
  /** Handed to the worker as `workerData` (a database file or URL: plain data only). */
  workerData?: unknown;
  /** What the pool runs, for messages: 'forecast', 'report'. */
  noun: string;
  /** A task running longer is abandoned (the worker is stopped and restarted): 504. */
  timeoutMs: number;
  /** The 504's advice after "took longer than N and was stopped; " (what to ask for instead). */
  timeoutAdvice: string;
  /** Tasks waiting for the worker beyond this many are refused: 503. */
  maxQueued: number;
}

export interface WorkerPool<Task, Result> {
  run(task: Task): Promise<Result>;
  /** Stops the worker; queued and running tasks fail with 503. */
  close(): Promise<void>;
  /** Whether a worker thread is running (it starts with the first task). */
  readonly started: boolean;
  /** Whether the worker is running a task now. */
  readonly busy: boolean;
  /** Worker threads started so far (a timeout or a crash replaces the worker). */
  readonly starts: number;
}

interface Job<Task> {
  id: number;
  task: Task;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * A pool of one worker thread for CPU-heavy work (augurs fits, cost reports), so it never blocks the
 * event loop that proxies traffic. The worker starts with the first task, runs tasks one at a time,
 * is unref'd while idle (it never keeps the process alive), is stopped and replaced when a task
 * overruns the timeout, and is replaced when it dies.
 *
 * The entry is TypeScript: the worker first registers tsx's loader (resolved from this package, so it
 * works under `--import tsx`, the bin's `register()`, vitest and an installed package alike), then
 * imports the entry.
 */
export function createWorkerPool<Task, Result>(options: WorkerPoolOptions): WorkerPool<Task, Result> {
  const { noun, timeoutMs, maxQueued } = options;
  const queue: Array<Job<Task>> = [];
  let worker: Worker | undefined;
  /** Set once the worker has loaded its entry: tasks are sent, and their timeouts start, only then (booting tsx takes a second or more). */
  let ready = false;
  let starts = 0;
  let running: { job: Job<Task>; timer: NodeJS.Timeout } | undefined;
  let nextId = 1;
  let closed = false;

  const start = (): Worker => {
    const started = new Worker(bootstrapSource(options.entry, noun), { eval: true, execArgv: [], workerData: options.workerData });
    starts++;
    ready = false;
    started.on('message', (message: { id: number; ready?: boolean; result?: unknown; error?: string }) => {
      if (message.ready) {
        if (worker === started) ready = true;
        pump();
        return;
      }
      if (!running || running.job.id !== message.id) return;
      const { job, timer } = running;
      clearTimeout(timer);
      running = undefined;
      if (message.error !== undefined) job.reject(new GatewayError('internal', `the ${noun} failed: ${message.error}`));
      else job.resolve(message.result);
      pump();
    });
    // A crash (an exception outside a task, out of memory) or an exit: the running task fails, the next one gets a new worker.
    const lost = (reason: string) => {
      if (worker !== started) return;
      worker = undefined;
      if (!ready) {
        // It died loading its code: another start would too, so the waiting tasks fail instead of looping.
        for (const job of queue.splice(0)) job.reject(new GatewayError('upstream_unavailable', `the ${noun} worker could not start (${reason})`));
        return;
      }
      if (running) {
        clearTimeout(running.timer);
        const { job } = running;
        running = undefined;
        job.reject(new GatewayError('upstream_unavailable', `the ${noun} worker stopped (${reason}); try again`, { retryable: true }));
      }
      pump();
    };
    started.on('error', (error) => lost(error.message));
    started.on('exit', (code) => lost(`exit code ${code}`));
    return started;
  };

  const pump = (): void => {
    if (running || closed) return;
    if (queue.length === 0) {
      worker?.unref();
      return;
    }
    worker ??= start();
    // Referenced while it works: a caller awaiting a result keeps the process alive until it answers.
    worker.ref();
    if (!ready) return;
    const job = queue.shift()!;
    const current = worker;
    const timer = setTimeout(() => {
      if (running?.job !== job) return;
      running = undefined;
      worker = undefined;
      void current.terminate();
      job.reject(new GatewayError('upstream_timeout', `the ${noun} took longer than ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} and was stopped; ${options.timeoutAdvice}`));
      pump();
    }, timeoutMs);
    timer.unref();
    running = { job, timer };
    current.postMessage({ id: job.id, task: job.task });
  };

  return {
    get started() {
      return worker !== undefined;
    },
    get busy() {
      return running !== undefined;
    },
    get starts() {
      return starts;
    },
    run(task: Task): Promise<Result> {
      if (closed) return Promise.reject(new GatewayError('upstream_unavailable', `the ${noun} worker is shut down`));
      if (queue.length >= maxQueued) return Promise.reject(new GatewayError('upstream_unavailable', `${maxQueued} ${noun}s are already waiting; try again shortly`, { retryable: true, headers: { 'retry-after': '5' } }));
      return new Promise<Result>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve: resolve as (value: unknown) => void, reject });
        pump();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const stopped = new GatewayError('upstream_unavailable', 'the gateway is shutting down');
      if (running) {
        clearTimeout(running.timer);
        running.job.reject(stopped);
        running = undefined;
      }
      for (const job of queue.splice(0)) job.reject(stopped);
      const current = worker;
      worker = undefined;
      await current?.terminate();
    },
  };
}

/** The worker's first code (a CommonJS script, as `eval` workers run): tsx's loader, then the TypeScript entry. */
function bootstrapSource(entry: URL, noun: string): string {
  return `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { (tsx.register ?? tsx.default.register)(); return import(${JSON.stringify(entry.href)}); }).catch((error) => { console.error(${JSON.stringify(`${noun} worker could not start:`)}, error); process.exit(1); });`;
}

let tsxApi: string | undefined;

/**
 * tsx's ESM API (`tsx/esm/api`, import condition) as a file URL, from this package's own tsx: a
 * require-resolve would find its CommonJS twin, which cannot register the loader from an ESM import.
 */
function tsxEsmApi(): string {
  if (tsxApi) return tsxApi;
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const target = exports['./esm/api']?.import?.default;
  if (!target) throw new Error('tsx/esm/api not found in the installed tsx');
  tsxApi = pathToFileURL(join(dirname(packageJson), target)).href;
  return tsxApi;
}

/**
 * A pool's own face: `methods` (how this pool runs its tasks) beside the pool's `close` and its live
 * `started` / `busy` / `starts` (read through, never copied).
 */
export function poolFace<Task, Result, Methods extends object>(pool: WorkerPool<Task, Result>, methods: Methods): Methods & Omit<WorkerPool<Task, Result>, 'run'> {
  return Object.defineProperties(
    { ...methods, close: () => pool.close() },
    {
      started: { get: () => pool.started, enumerable: true },
      busy: { get: () => pool.busy, enumerable: true },
      starts: { get: () => pool.starts, enumerable: true },
    },
  ) as Methods & Omit<WorkerPool<Task, Result>, 'run'>;
}
