import { ConfigError } from './load.ts';
import type { TollgateConfig } from './schema.ts';

/** The operator's admin API keys, from the environment (TOLLGATE_ADMIN_KEY, TOLLGATE_VIEWER_KEY). */
export interface OperatorKeys {
  adminKey?: string | undefined;
  viewerKey?: string | undefined;
}

/**
 * Secrets the operator's keys must not share. A virtual key whose secret is the operator's admin (or
 * viewer) key made every holder of the proxy key an operator of the admin API (and the other way round);
 * the config file's admin keys were already compared with the virtual keys, the environment's were not.
 * Among admin credentials the first match wins (TOLLGATE_ADMIN_KEY, then TOLLGATE_VIEWER_KEY, then
 * `admin.keys`): a viewer key equal to the admin key was the root admin, and a config admin key equal to
 * an operator key was that operator instead of its own role and org. Refused at start-up, without the
 * secret in the message.
 */
export function checkOperatorKeys(config: Pick<TollgateConfig, 'keys' | 'admin'>, operator: OperatorKeys): void {
  const problems: string[] = [];
  const operators = [['TOLLGATE_ADMIN_KEY', operator.adminKey], ['TOLLGATE_VIEWER_KEY', operator.viewerKey]] as const;
  if (operator.adminKey && operator.adminKey === operator.viewerKey) {
    problems.push('TOLLGATE_VIEWER_KEY: same secret as TOLLGATE_ADMIN_KEY (each operator key needs its own secret; the viewer key would be the root admin)');
  }
  for (const [variable, secret] of operators) {
    if (!secret) continue;
    const key = config.keys.find((candidate) => candidate.secret === secret);
    if (key) problems.push(`keys.${key.name}: same secret as ${variable} (an admin secret must not be a proxy key)`);
    const adminKey = config.admin.keys.find((candidate) => candidate.secret === secret);
    if (adminKey) problems.push(`admin.keys.${adminKey.name}: same secret as ${variable} (each admin key needs its own secret)`);
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
