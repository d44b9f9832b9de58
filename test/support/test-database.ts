import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresAvailable } from './postgres-cluster.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const NO_TEST_DATABASE =
  'no PostgreSQL: TOLLGATE_TEST_DATABASE_URL is unset and there are no server binaries under /usr/lib/postgresql to start one (apt-get install postgresql)';

/**
 * The PostgreSQL server the suites share: `TOLLGATE_TEST_DATABASE_URL` when given; otherwise, under
 * `npm test`/vitest with PostgreSQL's binaries present, one throwaway cluster started by the first
 * suite that asks (test workers race for a lock directory; the others wait for its URL) and stopped
 * by the global teardown. Undefined when neither is possible.
 */
export async function sharedTestDatabaseUrl(): Promise<string | undefined> {
  const given = process.env.TOLLGATE_TEST_DATABASE_URL;
  if (given) return given;
  const state = process.env.TOLLGATE_TEST_PG_STATE;
  if (!state || !postgresAvailable) return undefined;
  const urlFile = `${state}.url`;
  const errorFile = `${state}.error`;
  let starter = false;
  try {
    mkdirSync(`${state}.lock`);
    starter = true;
  } catch {
    // another worker is starting it
  }
  if (starter) {
    try {
      const url = execFileSync('bash', [path.join(root, 'scripts/ci/start-postgres.sh'), state], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      writeFileSync(`${urlFile}.tmp`, url);
      renameSync(`${urlFile}.tmp`, urlFile);
    } catch (error) {
      writeFileSync(errorFile, String((error as { stderr?: string }).stderr ?? error));
      throw new Error(`could not start the throwaway PostgreSQL cluster in ${state}: ${(error as Error).message}`);
    }
  }
  const deadline = Date.now() + 120_000;
  while (!existsSync(urlFile)) {
    if (existsSync(errorFile)) throw new Error(`the throwaway PostgreSQL cluster did not start:\n${readFileSync(errorFile, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`no PostgreSQL URL in ${urlFile} after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return readFileSync(urlFile, 'utf8').trim();
}
