import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, type Child } from '../../bench/lib/children.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Starts `tollgate serve` as a separate process (so it can be SIGKILLed) on a config pointing at `mockUrl`. */
export async function startGatewayProcess(options: { mockUrl: string; dataDir: string; adminKey: string; env?: NodeJS.ProcessEnv; port?: number; extraConfig?: string[] }): Promise<Child> {
  const port = options.port ?? (await freePort());
  const configPath = path.join(options.dataDir, 'tollgate.yaml');
  writeFileSync(
    configPath,
    [
      `server: { port: ${port}, host: 127.0.0.1, anonymous: { org: test, project: durability } }`,
      'providers:',
      `  mock: { kind: openai-compatible, baseUrl: "${options.mockUrl}/v1", apiKey: mock, priceProvider: openai }`,
      'models:',
      '  gpt-4o-mini: { target: gpt-4o-mini@mock }',
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
  );
  return startChild({
    name: 'tollgate',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'serve', '--config', configPath],
    env: { TOLLGATE_DATA_DIR: options.dataDir, TOLLGATE_ADMIN_KEY: options.adminKey, DATABASE_URL: '', ...options.env },
    port,
    readyPath: '/healthz',
  });
}
