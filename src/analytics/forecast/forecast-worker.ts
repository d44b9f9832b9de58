import { parentPort } from 'node:worker_threads';
import { runForecastTask, type ForecastTask } from './forecast-task.ts';

/**
 * The forecast worker's entry (started by forecast-pool.ts): runs each task it is sent, one at a
 * time, and answers with its id. A failing task answers with the error's message; the worker lives on.
 */
parentPort?.on('message', (message: { id: number; task: ForecastTask }) => {
  try {
    parentPort!.postMessage({ id: message.id, result: runForecastTask(message.task) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
// Loaded (tsx and the models' code): the pool sends tasks, and starts their timeouts, from here on.
parentPort?.postMessage({ ready: true });
