import { resolveStartup } from '../../config/resolve-startup.ts';
import { ConfigError } from '../../config/load.ts';
import { formatStartupReport } from '../../runtime/startup-report.ts';
import { startServer } from '../../server.ts';
import { CliError, defineCommand } from '../command.ts';
import { startedByNpm, watchParent } from '../watch-parent.ts';

/** A repeat of the signal within this window is the same request to stop, not a second one. */
const DUPLICATE_SIGNAL_MS = 1_000;
/** After the drain deadline, how long flushing the ledger and closing storage may take. */
const FLUSH_GRACE_MS = 30_000;

export default defineCommand({
  name: 'serve',
  description: 'Start the gateway (the built-in demo config with a mock upstream unless --config/TOLLGATE_CONFIG is given).',
  usage: 'tollgate serve [--config tollgate.yaml] [--port 4000]',
  options: {
    config: { type: 'string', short: 'c' },
    port: { type: 'string', short: 'p' },
  },
  async run({ values }) {
    const env = { ...process.env };
    if (typeof values.port === 'string') env.PORT = values.port;
    const configPath = typeof values.config === 'string' ? values.config : undefined;
    let mock: { url: string; close(): Promise<void> } | undefined;
    if (!configPath && !env.TOLLGATE_CONFIG) {
      const { startMockProvider } = await import('../../mock-provider/index.ts');
      mock = await startMockProvider({ port: 0, recordRequests: false });
    }
    let plan;
    let server;
    try {
      plan = resolveStartup({ configPath, env, mockBaseUrl: mock?.url });
      // A config the runtime refuses (operator keys shared with other keys) is a one-line error too.
      server = await startServer(plan.config, { dataDir: env.TOLLGATE_DATA_DIR, databaseUrl: env.DATABASE_URL, adminKey: env.TOLLGATE_ADMIN_KEY, viewerKey: env.TOLLGATE_VIEWER_KEY, redisUrl: env.REDIS_URL || undefined });
    } catch (error) {
      await mock?.close();
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
    console.log(formatStartupReport({ url: server.url, plan, runtime: server.gateway.runtime, mockUrl: mock?.url }));
    let stoppingSinceMs: number | undefined;
    const stop = async (signal: NodeJS.Signals, cause = `${signal} received`) => {
      if (stoppingSinceMs !== undefined) {
        // Ctrl-C under `npm start` delivers SIGINT twice (the terminal's, and npm forwarding it):
        // only a signal well after the first means "stop now".
        if (Date.now() - stoppingSinceMs < DUPLICATE_SIGNAL_MS) return;
        // A second signal: the operator wants out now. Answered rows are already in the journal.
        console.error(`tollgate: second ${signal}, exiting without waiting`);
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      }
      stoppingSinceMs = Date.now();
      const drainMs = plan.config.server.shutdownTimeoutMs ?? 10_000;
      console.log(`tollgate: ${cause}, no longer accepting; finishing requests in flight (up to ${drainMs} ms), then flushing the ledger`);
      // Flushing is bounded (a stalled store spills to disk), but never hang the operator's shell on it.
      setTimeout(() => {
        console.error(`tollgate: still not stopped ${drainMs + FLUSH_GRACE_MS} ms after ${signal}; exiting (answered requests are in the ledger's journal)`);
        process.exit(1);
      }, drainMs + FLUSH_GRACE_MS).unref();
      try {
        const { cut, elapsedMs } = await server.close({ drainMs });
        await mock?.close();
        console.log(`tollgate: stopped in ${elapsedMs} ms${cut ? ` (${cut} connection${cut === 1 ? '' : 's'} cut at the deadline)` : ''}; ledger flushed`);
        process.exit(0);
      } catch (error) {
        console.error('tollgate: shutdown failed', error);
        process.exit(1);
      }
    };
    process.on('SIGINT', (signal) => void stop(signal));
    process.on('SIGTERM', (signal) => void stop(signal));
    // Under npx the signal reaches only the wrapper shell: its exit is our signal.
    if (startedByNpm(process.env)) watchParent(() => void stop('SIGTERM', 'the npm/npx process that started us is gone'));
  },
});
