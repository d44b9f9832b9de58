import pg from 'pg';
import { openStorage } from '../../src/storage/open-storage.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { runStorageContract } from './storage-contract.ts';

runStorageContract(
  'PostgreSQL',
  async () => {
    const database = await freshDatabase(testDatabaseUrl!);
    const storage = await openStorage({ dataDir: '/nonexistent', databaseUrl: database.url });
    return {
      storage,
      async cleanup() {
        try {
          // The key table holds SHA-256 hashes, never a secret: check the raw rows.
          const client = new pg.Client({ connectionString: database.url });
          await client.connect();
          try {
            const { rows } = await client.query('SELECT * FROM virtual_keys');
            const raw = JSON.stringify(rows);
            if (rows.length === 0) throw new Error('no keys were stored');
            if (raw.includes('tg-seeded-0123456789abcdef')) throw new Error('virtual_keys contains a key secret');
          } finally {
            await client.end();
          }
        } finally {
          await database.drop();
        }
      },
    };
  },
  testDatabaseUrl !== undefined,
  NO_TEST_DATABASE,
);
