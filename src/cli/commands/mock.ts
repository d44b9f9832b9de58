import { CliError, defineCommand } from '../command.ts';

export default defineCommand({
  name: 'mock',
  description: 'Run the mock provider (OpenAI and Anthropic wire formats) for demos and benchmarks.',
  usage: 'tollgate mock [--port 4010] [--latency-ms 0]',
  options: { port: { type: 'string', short: 'p' }, 'latency-ms': { type: 'string' } },
  async run({ values }) {
    const port = Number(values.port ?? 4010);
    const latencyMs = Number(values['latency-ms'] ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be 0-65535', 2);
    if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new CliError('--latency-ms must be a non-negative number', 2);
    const { startMockProvider } = await import('../../mock-provider/index.ts');
    const mock = await startMockProvider({ port, latencyMs, recordRequests: false });
    console.log(`mock provider listening on ${mock.url} (OpenAI at ${mock.url}/v1, Anthropic at ${mock.url}/v1/messages)`);
    const stop = () => void mock.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
});
