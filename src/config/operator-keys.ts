import { ConfigError } from './load.ts';
import type { TollgateConfig } from './schema.ts';

/** The operator's admin API keys, from the environment (TOLLGATE_ADMIN_KEY, TOLLGATE_VIEWER_KEY). */
export interface OperatorKeys {
  adminKey?: string | undefined;
  viewerKey?: string | undefined;
}

/**
 * A virtual key whose secret is the operator's admin (or viewer) key made every holder of the proxy key
 * an operator of the admin API (and the other way round); the config file's admin keys were already
 * compared with the virtual keys, the environment's were not. Refused at start-up, without the secret
 * in the message.
 */
export function checkOperatorKeys(config: Pick<TollgateConfig, 'keys'>, operator: OperatorKeys): void {
  const problems: string[] = [];
  for (const [variable, secret] of [['TOLLGATE_ADMIN_KEY', operator.adminKey], ['TOLLGATE_VIEWER_KEY', operator.viewerKey]] as const) {
    if (!secret) continue;
    const key = config.keys.find((candidate) => candidate.secret === secret);
    if (key) problems.push(`keys.${key.name}: same secret as ${variable} (an admin secret must not be a proxy key)`);
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
