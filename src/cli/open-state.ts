import { ConfigError } from '../config/load.ts';
import { resolveStartup } from '../config/resolve-startup.ts';
import type { TollgateConfig } from '../config/schema.ts';
import { openStorage } from '../storage/open-storage.ts';
import { CliError } from './command.ts';

/** The gateway's state as the CLI reaches it: the same store the server uses (TOLLGATE_DATA_DIR or DATABASE_URL). */
export function openCliStorage(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof openStorage> {
  return openStorage({ dataDir: env.TOLLGATE_DATA_DIR || './.tollgate', databaseUrl: env.DATABASE_URL || undefined });
}

/** The config the server would run with (`--config`, TOLLGATE_CONFIG, else the demo config). */
export function loadCliConfig(configPath: string | undefined, env: NodeJS.ProcessEnv = process.env): TollgateConfig {
  try {
    return resolveStartup({ configPath, env, mockBaseUrl: 'http://127.0.0.1:0' }).config;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** Prints JSON or text depending on `--json`. */
export function output(json: boolean, value: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text());
}
