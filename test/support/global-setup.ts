import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Vitest global setup. Unless `TOLLGATE_TEST_DATABASE_URL` is already given (CI's own server, a
 * developer's), it names a state directory for a throwaway PostgreSQL cluster that the first suite
 * needing one starts (test/support/test-database.ts), so a run that touches no PostgreSQL suite does
 * not pay for a cluster; the teardown stops it and removes its files.
 */
export default function setup(): () => void {
  if (process.env.TOLLGATE_TEST_DATABASE_URL) return () => {};
  const state = path.join('/tmp', `tollgate-test-pg-${process.pid}-${randomBytes(3).toString('hex')}`);
  process.env.TOLLGATE_TEST_PG_STATE = state;
  return () => {
    if (existsSync(path.join(state, 'data'))) execFileSync('bash', [path.join(root, 'scripts/ci/stop-postgres.sh'), state], { stdio: 'ignore' });
    for (const suffix of ['.url', '.error', '.lock']) rmSync(`${state}${suffix}`, { recursive: true, force: true });
  };
}
