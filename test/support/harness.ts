import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConfig } from '../../src/config/demo.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { TollgateConfig, TollgateConfigInput } from '../../src/config/schema.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider, MockProviderOptions } from '../../src/mock-provider/types.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import OpenAI from 'openai';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface Harness {
  mock: MockProvider;
  server: RunningServer;
  /** Gateway base URL (no /v1). */
  url: string;
  config: TollgateConfig;
  dataDir: string;
  /** Every ledger row so far, after a flush. */
  ledger(): ReturnType<RunningServer['gateway']['runtime']['ledger']['list']>;
  /** The ledger once it holds more than `count` rows (a row written after the answer, e.g. a client that left), polling for up to 3 s. */
  ledgerBeyond(count: number): ReturnType<RunningServer['gateway']['runtime']['ledger']['list']>;
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** The official OpenAI client on this gateway, without retries (a test sees the first answer), as the anonymous caller unless `apiKey` is given. */
  openai(apiKey?: string): OpenAI;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Edits the demo config (pointing at the started mock) before it is parsed. */
  config?: (input: TollgateConfigInput, mockUrl: string) => TollgateConfigInput;
  mock?: MockProviderOptions;
  databaseUrl?: string;
  redisUrl?: string;
  dataDir?: string;
  /** Injected clock (synthetic-time replays). */
  now?: () => number;
}

/** A real gateway on a free port in front of a real mock provider, with its own state directory. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const mock = await startMockProvider({ port: 0, ...options.mock });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const base = demoConfig(mock.url, 0);
  const input = options.config ? options.config(base, mock.url) : base;
  const config = parseConfig(input, {});
  const server = await startServer(config, { dataDir, databaseUrl: options.databaseUrl, redisUrl: options.redisUrl, adminKey: ADMIN_KEY, defaultMetrics: false, now: options.now, log: () => {} });
  const runtime = server.gateway.runtime;
  async function ledger() {
    await runtime.flushLedger();
    return runtime.ledger.list({}, 100_000);
  }
  return {
    mock,
    server,
    url: server.url,
    config,
    dataDir,
    ledger,
    async ledgerBeyond(count) {
      let rows = await ledger();
      for (let attempt = 0; attempt < 60 && rows.length <= count; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = await ledger();
      }
      return rows;
    },
    openai(apiKey = 'anonymous') {
      return new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
    },
    admin(path, init = {}) {
      return fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } });
    },
    async close() {
      await server.close();
      await mock.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
