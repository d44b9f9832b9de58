import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/fresh-database.ts';
import { NO_POSTGRES_BINARIES, postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { ROOT_KEY, startAccessGateway, type AccessGateway } from './gateway.ts';
import { skipUnless } from '../support/skip-unless.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEY_A = 'tg-revocation-key-a-00000000000000';
const KEY_B = 'tg-revocation-key-b-00000000000000';
const KEY_C = 'tg-revocation-key-c-00000000000000';

const chat = (g: AccessGateway, key: string) =>
  g.call('/v1/chat/completions', key, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });

/**
 * Sends requests back to back until one is refused (or `giveUpMs` passes): when the first refusal
 * came and when each accepted call was answered, to set against the key's `revokedAtMs`.
 */
async function untilRefused(g: AccessGateway, key: string, giveUpMs = 15_000): Promise<{ refusedAtMs: number; acceptedAtMs: number[] }> {
  const started = Date.now();
  const acceptedAtMs: number[] = [];
  for (;;) {
    const response = await chat(g, key);
    await response.arrayBuffer();
    if (response.status === 401) return { refusedAtMs: Date.now(), acceptedAtMs };
    expect(response.status).toBe(200);
    acceptedAtMs.push(Date.now());
    if (Date.now() - started > giveUpMs) return { refusedAtMs: Number.POSITIVE_INFINITY, acceptedAtMs };
  }
}

/** How long after the revoke was written the key was still served, and how many calls it got meanwhile. */
function afterRevoke(revokedAtMs: number, outcome: { refusedAtMs: number; acceptedAtMs: number[] }) {
  return { refusedAfterMs: outcome.refusedAtMs - revokedAtMs, acceptedMeanwhile: outcome.acceptedAtMs.filter((at) => at > revokedAtMs).length };
}

async function revokedAt(g: AccessGateway, id: string): Promise<number> {
  const keys = (await (await g.call('/api/keys', ROOT_KEY)).json()) as { data: { id: string; revokedAtMs: number | null }[] };
  return keys.data.find((k) => k.id === id)!.revokedAtMs!;
}

async function cliRevoke(env: NodeJS.ProcessEnv, id: string): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'keys', 'revoke', id], { cwd: root, env: { ...process.env, ...env } });
}

async function keyId(g: AccessGateway, name: string): Promise<string> {
  const keys = (await (await g.call('/api/keys', ROOT_KEY)).json()) as { data: { id: string; name: string }[] };
  return keys.data.find((k) => k.name === name)!.id;
}

const seeds = (input: Parameters<NonNullable<Parameters<typeof startAccessGateway>[0]>['config'] & {}>[0]) => ({
  ...input,
  server: { ...input.server, anonymous: undefined },
  keys: [
    { name: 'a', secret: KEY_A, org: 'acme' },
    { name: 'b', secret: KEY_B, org: 'acme' },
    { name: 'c', secret: KEY_C, org: 'acme' },
  ],
});

describe('revocation with the embedded store', () => {
  it('a key revoked by `tollgate keys revoke` (a direct database write) is refused within a second', async () => {
    const g = await startAccessGateway({ config: seeds });
    try {
      expect((await chat(g, KEY_A)).status).toBe(200); // cached as active
      const id = await keyId(g, 'a');
      // Traffic keeps flowing while the CLI (a separate process) writes the revoke to the database.
      const [outcome] = await Promise.all([untilRefused(g, KEY_A), cliRevoke({ TOLLGATE_DATA_DIR: g.dataDir, DATABASE_URL: '' }, id)]);
      const measured = afterRevoke(await revokedAt(g, id), outcome);
      console.log(JSON.stringify({ path: 'cli-sqlite', ...measured }));
      expect(measured.refusedAfterMs).toBeLessThan(1_000);
      expect((await chat(g, KEY_B)).status).toBe(200); // other keys unaffected
    } finally {
      await g.close();
    }
  });
});

skipUnless(postgresAvailable, NO_POSTGRES_BINARIES)('revocation across instances sharing PostgreSQL', () => {
  let cluster: PostgresCluster;
  let database: { url: string; drop(): Promise<void> };
  let redis: RedisServer | undefined;
  let one: AccessGateway;
  let two: AccessGateway;

  beforeAll(async () => {
    cluster = startPostgresCluster();
    database = await freshDatabase(cluster.url);
    redis = redisAvailable ? await startRedisServer() : undefined;
    // Instances hear admin-API revokes over Redis when there is one; the CLI's direct writes (and everything without Redis) by polling the store.
    one = await startAccessGateway({ config: seeds, gateway: { databaseUrl: database.url, redisUrl: redis?.url } });
    two = await startAccessGateway({ config: seeds, gateway: { databaseUrl: database.url, redisUrl: redis?.url } });
  }, 120_000);
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await redis?.stop();
    await database?.drop();
    cluster?.destroy();
  });

  it('a revoke through one instance’s admin API is refused by the other within a second', async () => {
    for (const g of [one, two]) expect((await chat(g, KEY_A)).status).toBe(200);
    const id = await keyId(one, 'a');
    expect((await one.call(`/api/keys/${id}`, ROOT_KEY, { method: 'DELETE' })).status).toBe(200);
    expect((await chat(one, KEY_A)).status).toBe(401);
    const measured = afterRevoke(await revokedAt(one, id), await untilRefused(two, KEY_A));
    console.log(JSON.stringify({ path: `admin-api-postgres${redis ? '+redis' : ''}`, ...measured }));
    expect(measured.refusedAfterMs).toBeLessThan(1_000);
  });

  it('a revoke by the CLI against PostgreSQL is refused by every instance within a second', async () => {
    for (const g of [one, two]) expect((await chat(g, KEY_B)).status).toBe(200);
    const id = await keyId(one, 'b');
    const [first, second] = await Promise.all([untilRefused(one, KEY_B), untilRefused(two, KEY_B), cliRevoke({ DATABASE_URL: database.url }, id)]);
    const at = await revokedAt(one, id);
    const measured = [afterRevoke(at, first), afterRevoke(at, second)];
    console.log(JSON.stringify({ path: 'cli-postgres', instances: measured }));
    for (const m of measured) expect(m.refusedAfterMs).toBeLessThan(1_000);
    for (const g of [one, two]) expect((await chat(g, KEY_C)).status).toBe(200);
  });
});
