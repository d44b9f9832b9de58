import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStorage } from '../../src/storage/open-storage.ts';
import { runStorageContract } from './storage-contract.ts';

runStorageContract('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-sqlite-'));
  const storage = await openStorage({ dataDir: dir });
  return {
    storage,
    async cleanup() {
      // The database file never holds a key secret (only SHA-256 hashes): check the bytes.
      for (const name of readdirSync(dir)) {
        const bytes = readFileSync(path.join(dir, name));
        if (bytes.includes('tg-seeded-0123456789abcdef')) throw new Error(`${name} contains a key secret`);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
