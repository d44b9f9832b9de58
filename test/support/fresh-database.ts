import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sharedTestDatabaseUrl } from './test-database.ts';

export { NO_TEST_DATABASE } from './test-database.ts';

/**
 * The PostgreSQL server the PostgreSQL suites use: `TOLLGATE_TEST_DATABASE_URL`, or a throwaway
 * cluster `npm test` starts when PostgreSQL's binaries are installed; undefined otherwise.
 */
export const testDatabaseUrl = await sharedTestDatabaseUrl();

/** Creates an empty database on the test server for one suite; `drop()` removes it. */
export async function freshDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tollgate_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
