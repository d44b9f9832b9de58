import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConfig } from '../../src/config/demo.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { TollgateConfig, TollgateConfigInput } from '../../src/config/schema.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import type { GatewayOptions } from '../../src/index.ts';

export const ROOT_KEY = 'access-root-admin-key-0123456789';
export const VIEWER_KEY = 'access-operator-viewer-key-0123456789';

export interface AccessGateway {
  mock: MockProvider;
  server: RunningServer;
  url: string;
  config: TollgateConfig;
  dataDir: string;
  /** Fetches `path` with `key` as the bearer token (none when undefined). */
  call(path: string, key: string | undefined, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** A real gateway (root admin and operator viewer keys set) in front of a real mock upstream. */
export async function startAccessGateway(options: {
  config?: (input: TollgateConfigInput, mockUrl: string) => TollgateConfigInput;
  gateway?: GatewayOptions;
  mockApiKey?: string;
} = {}): Promise<AccessGateway> {
  const mock = await startMockProvider({ port: 0, ...(options.mockApiKey ? { apiKey: options.mockApiKey } : {}) });
  const dataDir = options.gateway?.dataDir ?? mkdtempSync(join(tmpdir(), 'tollgate-access-'));
  const base = demoConfig(mock.url, 0);
  const config = parseConfig(options.config ? options.config(base, mock.url) : base, {});
  const server = await startServer(config, { adminKey: ROOT_KEY, viewerKey: VIEWER_KEY, defaultMetrics: false, log: () => {}, ...options.gateway, dataDir });
  return {
    mock,
    server,
    url: server.url,
    config,
    dataDir,
    call(path, key, init = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) };
      if (key) headers.authorization = `Bearer ${key}`;
      return fetch(`${server.url}${path}`, { ...init, headers });
    },
    async close() {
      await server.close();
      await mock.close();
      if (!options.gateway?.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
