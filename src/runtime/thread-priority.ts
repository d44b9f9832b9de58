import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the calling worker thread's priority to at least `nice` (0 is normal, 19 the lowest). On
 * Linux a nice value belongs to a thread, so on a busy machine the scheduler runs the gateway's
 * thread first. Elsewhere it would renice the whole process: left as is there, and where lowering
 * is not allowed the thread runs at the normal priority.
 */
export function lowerThreadPriority(nice: number): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(Math.max(getPriority(), nice));
  } catch {
    // Not allowed here: run at the normal priority.
  }
}
