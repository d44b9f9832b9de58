import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startChild, type Child } from './children.ts';

export interface GatewayWithMock {
  dataDir: string;
  mock: Child;
  gateway: Child;
  stop(): Promise<void>;
}

/**
 * The mock provider and a Tollgate (`tollgate serve`, production mode, embedded stores) in their own
 * processes, Tollgate configured by `config(port, mockUrl)` (YAML lines) with one provider `mock`
 * pointing at the mock. `stop()` ends both and removes the data folder.
 */
export async function startGatewayWithMock(options: { name: string; config: (port: number, mockUrl: string) => string[]; env?: NodeJS.ProcessEnv }): Promise<GatewayWithMock> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `tollgate-${options.name}-`));
  const mockPort = await freePort();
  const mock = await startChild({ name: 'mock', command: process.execPath, args: ['--import', 'tsx', 'src/mock-provider/main.ts', '--port', String(mockPort), '--no-record'], port: mockPort, readyPath: '/v1/models' });
  const port = await freePort();
  const configPath = path.join(dataDir, 'tollgate.yaml');
  writeFileSync(configPath, [...options.config(port, mock.url), ''].join('\n'));
  const gateway = await startChild({
    name: 'tollgate',
    command: process.execPath,
    args: ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', configPath],
    env: { TOLLGATE_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', NODE_ENV: 'production', ...options.env },
    port,
    readyPath: '/healthz',
  }).catch(async (error: unknown) => {
    await mock.stop();
    throw error;
  });
  return {
    dataDir,
    mock,
    gateway,
    async stop() {
      await gateway.stop();
      await mock.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
