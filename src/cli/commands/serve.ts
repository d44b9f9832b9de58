import { resolveStartup } from '../../config/resolve-startup.ts';
import { ConfigError } from '../../config/load.ts';
import { formatStartupReport } from '../../runtime/startup-report.ts';
import { startServer } from '../../server.ts';
import { CliError, defineCommand } from '../command.ts';

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
    try {
      plan = resolveStartup({ configPath, env, mockBaseUrl: mock?.url });
    } catch (error) {
      await mock?.close();
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
    const server = await startServer(plan.config, { dataDir: env.TOLLGATE_DATA_DIR, databaseUrl: env.DATABASE_URL, adminKey: env.TOLLGATE_ADMIN_KEY, viewerKey: env.TOLLGATE_VIEWER_KEY, redisUrl: env.REDIS_URL || undefined });
    console.log(formatStartupReport({ url: server.url, plan, runtime: server.gateway.runtime, mockUrl: mock?.url }));
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`tollgate: ${signal} received, draining and flushing the ledger…`);
      await server.close();
      await mock?.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  },
});
