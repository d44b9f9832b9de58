import { demoConfig } from './demo.ts';
import { loadConfigFile, parseConfig } from './load.ts';
import type { TollgateConfig } from './schema.ts';

export interface StartupPlan {
  config: TollgateConfig;
  /** True when running the built-in demo: the caller must start the mock upstream first. */
  demo: boolean;
  source: string;
}

export interface StartupInputs {
  configPath: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Base URL of the started mock upstream, for the demo config. */
  mockBaseUrl?: string;
}

/** `--config` beats `TOLLGATE_CONFIG`; with neither, the built-in demo config. `PORT` overrides the port. */
export function resolveStartup(inputs: StartupInputs): StartupPlan {
  const path = inputs.configPath ?? inputs.env.TOLLGATE_CONFIG;
  const port = parsePort(inputs.env.PORT);
  if (path) {
    const config = loadConfigFile(path, inputs.env);
    if (port !== undefined) config.server.port = port;
    return { config, demo: false, source: path };
  }
  if (!inputs.mockBaseUrl) throw new Error('the demo configuration needs the mock upstream URL');
  const config = parseConfig(demoConfig(inputs.mockBaseUrl, port ?? 4000), inputs.env);
  return { config, demo: true, source: 'built-in demo (mock upstream)' };
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0-65535, got ${value}`);
  return port;
}
