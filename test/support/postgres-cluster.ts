import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function binDir(): string | undefined {
  if (!existsSync('/usr/lib/postgresql')) return undefined;
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  const dir = `/usr/lib/postgresql/${versions.at(-1)}/bin`;
  return existsSync(`${dir}/pg_ctl`) ? dir : undefined;
}

/** PostgreSQL server binaries are on this machine (CI installs them): tests may run their own cluster. */
export const postgresAvailable = binDir() !== undefined;

export const NO_POSTGRES_BINARIES = 'no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)';

/** A private PostgreSQL cluster a test can stop and start, to show what an outage does. */
export interface PostgresCluster {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

export function startPostgresCluster(): PostgresCluster {
  const state = `/tmp/tollgate-pg-${randomBytes(4).toString('hex')}`;
  const url = execFileSync('bash', [path.join(root, 'scripts/ci/start-postgres.sh'), state], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const port = readFileSync(`${state}/port`, 'utf8').trim();
  const pgCtl = (...args: string[]) => {
    const command = [`${binDir()}/pg_ctl`, '-D', `${state}/data`, ...args];
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...command], { stdio: 'ignore' });
    else execFileSync(command[0]!, command.slice(1), { stdio: 'ignore' });
  };
  return {
    url,
    stop: () => pgCtl('-m', 'immediate', 'stop'),
    start: () =>
      pgCtl('-l', `${state}/server.log`, '-w', '-t', '60', '-o', `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${state} -c fsync=off`, 'start'),
    destroy: () => execFileSync('bash', [path.join(root, 'scripts/ci/stop-postgres.sh'), state], { stdio: 'ignore' }),
  };
}
