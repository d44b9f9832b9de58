import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../../domain/errors.ts';
import type { ForecastRunner, ForecastTask, ForecastTaskResult } from './forecast-task.ts';

export interface ForecastPoolOptions {
  /** A task running longer is abandoned (the worker is stopped and restarted): 504. Default 60 s. */
  timeoutMs?: number;
  /** Tasks waiting for the worker beyond this many are refused: 503. Default 32. */
  maxQueued?: number;
}

export interface ForecastPool extends ForecastRunner {
  /** Stops the worker; queued and running tasks fail with 503. */
  close(): Promise<void>;
  /** Whether a worker thread is running (it starts with the first task). */
  readonly started: boolean;
  /** Whether the worker is running a task now. */
  readonly busy: boolean;
  /** Worker threads started so far (a timeout or a crash replaces the worker). */
  readonly starts: number;
}

interface Job {
  id: number;
  task: ForecastTask;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * A pool of one worker thread for the augurs fits, so a by-project forecast (seconds) or a budget
 * refit (hundreds of ms) never blocks the event loop that proxies traffic. The worker starts with
 * the first task, runs tasks one at a time, is unref'd while idle (it never keeps the process alive),
 * is stopped and replaced when a task overruns the timeout, and is replaced when it dies.
 *
 * The entry is TypeScript: the worker first registers tsx's loader (resolved from this package, so it
 * works under `--import tsx`, the bin's `register()`, vitest and an installed package alike), then
 * imports forecast-worker.ts.
 */
export function createForecastPool(options: ForecastPoolOptions = {}): ForecastPool {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxQueued = options.maxQueued ?? 32;
  const queue: Job[] = [];
  let worker: Worker | undefined;
  /** Set once the worker has loaded its entry: tasks are sent, and their timeouts start, only then (booting tsx takes a second or more). */
  let ready = false;
  let starts = 0;
  let running: { job: Job; timer: NodeJS.Timeout } | undefined;
  let nextId = 1;
  let closed = false;

  const start = (): Worker => {
    const started = new Worker(bootstrapSource(), { eval: true, execArgv: [] });
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
      if (message.error !== undefined) job.reject(new GatewayError('internal', `the forecast failed: ${message.error}`));
      else job.resolve(message.result);
      pump();
    });
    // A crash (an exception outside a task, out of memory) or an exit: the running task fails, the next one gets a new worker.
    const lost = (reason: string) => {
      if (worker !== started) return;
      worker = undefined;
      if (!ready) {
        // It died loading its code: another start would too, so the waiting tasks fail instead of looping.
        for (const job of queue.splice(0)) job.reject(new GatewayError('upstream_unavailable', `the forecast worker could not start (${reason})`));
        return;
      }
      if (running) {
        clearTimeout(running.timer);
        const { job } = running;
        running = undefined;
        job.reject(new GatewayError('upstream_unavailable', `the forecast worker stopped (${reason}); try again`, { retryable: true }));
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
    // Referenced while it works: a caller awaiting a forecast keeps the process alive until it answers.
    worker.ref();
    if (!ready) return;
    const job = queue.shift()!;
    const current = worker;
    const timer = setTimeout(() => {
      if (running?.job !== job) return;
      running = undefined;
      worker = undefined;
      void current.terminate();
      job.reject(new GatewayError('upstream_timeout', `the forecast took longer than ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} and was stopped; ask for less: a shorter history= or horizon=, or without by=`));
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
    run<T extends ForecastTask>(task: T): Promise<ForecastTaskResult<T>> {
      if (closed) return Promise.reject(new GatewayError('upstream_unavailable', 'the forecast worker is shut down'));
      if (queue.length >= maxQueued) return Promise.reject(new GatewayError('upstream_unavailable', `${maxQueued} forecasts are already waiting; try again shortly`, { retryable: true, headers: { 'retry-after': '5' } }));
      return new Promise<ForecastTaskResult<T>>((resolve, reject) => {
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

let bootstrap: string | undefined;

/** The worker's first code (a CommonJS script, as `eval` workers run): tsx's loader, then the TypeScript entry. */
function bootstrapSource(): string {
  if (bootstrap) return bootstrap;
  const tsxApi = tsxEsmApi();
  const entry = new URL('./forecast-worker.ts', import.meta.url).href;
  bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { (tsx.register ?? tsx.default.register)(); return import(${JSON.stringify(entry)}); }).catch((error) => { console.error('forecast worker could not start:', error); process.exit(1); });`;
  return bootstrap;
}

/**
 * tsx's ESM API (`tsx/esm/api`, import condition) as a file URL, from this package's own tsx: a
 * require-resolve would find its CommonJS twin, which cannot register the loader from an ESM import.
 */
function tsxEsmApi(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const target = exports['./esm/api']?.import?.default;
  if (!target) throw new Error('tsx/esm/api not found in the installed tsx');
  return pathToFileURL(join(dirname(packageJson), target)).href;
}
