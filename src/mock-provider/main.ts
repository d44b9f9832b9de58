#!/usr/bin/env node
/**
 * Runs the mock provider on its own: `node --import tsx src/mock-provider/main.ts [--port 4010]
 * [--host 127.0.0.1] [--latency-ms 0] [--api-key KEY] [--no-record] [--strict]`.
 * Prints the URL; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startMockProvider } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'latency-ms': { type: 'string' },
    'api-key': { type: 'string' },
    'no-record': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: node --import tsx src/mock-provider/main.ts [--port 4010] [--host 127.0.0.1] [--latency-ms N] [--api-key KEY] [--no-record] [--strict]');
  process.exit(0);
}

function readNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`mock-provider: --${name} must be a non-negative integer, got '${value}'`);
    process.exit(2);
  }
  return number;
}

const mock = await startMockProvider({
  port: readNumber('port', values.port),
  host: values.host,
  latencyMs: readNumber('latency-ms', values['latency-ms']),
  apiKey: values['api-key'],
  recordRequests: !values['no-record'],
  strict: values.strict,
});
console.log(`mock provider listening on ${mock.url} (OpenAI base URL ${mock.url}/v1, Anthropic base URL ${mock.url})`);

const stop = (): void => {
  mock.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
