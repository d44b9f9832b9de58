/**
 * Calls `onGone` once the process that started this one has exited (we were re-parented).
 *
 * Why: `npx tollgate serve` runs us under `sh -c`, and npm forwards SIGTERM to that shell, which
 * dies without passing it on, leaving the gateway orphaned and holding its port. Only wanted when a
 * wrapper started us (npm/npx set `npm_command`), not for `nohup tollgate serve &`, whose shell is
 * meant to go away.
 */
export function watchParent(onGone: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Started by npm (`npm start`, `npm run`, `npx`): our parent is a wrapper, not the operator's shell. */
export function startedByNpm(env: NodeJS.ProcessEnv): boolean {
  return typeof env.npm_command === 'string' && env.npm_command !== '';
}
