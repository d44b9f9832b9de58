/**
 * A PostgreSQL cluster for `bench:reports` that outlives the run, so a 10M-row ledger is built once:
 * the first run creates it with scripts/ci/start-postgres.sh (as the tests do); later runs restart
 * the same data directory on a free port. `stop` leaves the data in place.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const bindir = () => {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
};
const asOwner = (command: string, args: string[]) =>
  process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] }) : execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });

export interface Cluster {
  url: string;
  /** True when the data directory was created by this run (any cached database marker is stale). */
  fresh: boolean;
  stop(): void;
}

export function startCluster(root: string, state: string): Cluster {
  const data = path.join(state, 'data');
  if (!existsSync(path.join(data, 'PG_VERSION'))) {
    const url = execFileSync('bash', [path.join(root, 'scripts/ci/start-postgres.sh'), state], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { url, fresh: true, stop: () => stopCluster(data) };
  }
  // A run killed before it stopped the server leaves it running: stop it (a dead server's pid file is just removed).
  stopCluster(data);
  rmSync(path.join(data, 'postmaster.pid'), { force: true });
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = 56_500 + Math.floor(Math.random() * 900);
    try {
      asOwner(`${bindir()}/pg_ctl`, [
        '-D', data, '-l', path.join(state, 'server.log'), '-w', '-t', '60', '-o',
        `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${state} -c fsync=off -c max_connections=200`, 'start',
      ]);
      return { url: `postgres://postgres@127.0.0.1:${port}/tollgate_test`, fresh: false, stop: () => stopCluster(data) };
    } catch {
      // The port was taken: try another.
    }
  }
  throw new Error(`could not restart the cached PostgreSQL cluster in ${state}; remove it to rebuild`);
}

function stopCluster(data: string): void {
  try {
    asOwner(`${bindir()}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop']);
  } catch {
    // Already stopped.
  }
}

/** The URL of another database on the same server. */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
