import { openStorage } from '../../src/storage/open-storage.ts';
import { freshDatabase, testDatabaseUrl } from '../support/fresh-database.ts';
import { runStorageContract } from './storage-contract.ts';

runStorageContract(
  'PostgreSQL',
  async () => {
    const database = await freshDatabase(testDatabaseUrl!);
    const storage = await openStorage({ dataDir: '/nonexistent', databaseUrl: database.url });
    return { storage, cleanup: () => database.drop() };
  },
  testDatabaseUrl !== undefined,
);
