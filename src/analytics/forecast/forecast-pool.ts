import { createWorkerPool, poolFace, type WorkerPool } from '../worker-pool.ts';
import type { ForecastRunner, ForecastTask, ForecastTaskResult } from './forecast-task.ts';

export interface ForecastPoolOptions {
  /** A task running longer is abandoned (the worker is stopped and restarted): 504. Default 60 s. */
  timeoutMs?: number;
  /** Tasks waiting for the worker beyond this many are refused: 503. Default 32. */
  maxQueued?: number;
}

export interface ForecastPool extends ForecastRunner, Omit<WorkerPool<ForecastTask, unknown>, 'run'> {}

/**
 * A pool of one worker thread for the augurs fits (see worker-pool.ts), so a by-project forecast
 * (seconds) or a budget refit (hundreds of ms) never blocks the event loop that proxies traffic.
 * The worker's entry is forecast-worker.ts.
 */
export function createForecastPool(options: ForecastPoolOptions = {}): ForecastPool {
  const pool = createWorkerPool<ForecastTask, unknown>({
    entry: new URL('./forecast-worker.ts', import.meta.url),
    noun: 'forecast',
    timeoutMs: options.timeoutMs ?? 60_000,
    timeoutAdvice: 'ask for less: a shorter history= or horizon=, or without by=',
    maxQueued: options.maxQueued ?? 32,
  });
  return poolFace(pool, { run: <T extends ForecastTask>(task: T) => pool.run(task) as Promise<ForecastTaskResult<T>> });
}
