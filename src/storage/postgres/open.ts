import pg from 'pg';
import { toSafeNumber } from '../../domain/money.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';

// BIGINT (and the `SUM(...)::BIGINT` of reports) comes back as a string by default. Convert it
// exactly: a value past 2^53 throws instead of being rounded to the nearest double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => toSafeNumber(BigInt(value)));

/** A pool to `databaseUrl` with the schema brought up to date (instances may start at once: an advisory lock serialises migrations). */
export async function openPostgres(databaseUrl: string): Promise<pg.Pool> {
  const pool = openPostgresPool(databaseUrl, 10);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

/** A pool of at most `max` connections, without migrations (a second view of a store already opened). */
export function openPostgresPool(databaseUrl: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  // An idle client losing its server (a restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(7164237001)');
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_version');
    for (let index = rows[0]?.version ?? 0; index < POSTGRES_MIGRATIONS.length; index += 1) {
      await client.query(POSTGRES_MIGRATIONS[index]!);
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [index + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
