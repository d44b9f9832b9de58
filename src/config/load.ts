import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type TollgateConfig } from './schema.ts';
import { ownEntry } from '../domain/own-entry.ts';
import { isKnownDowngradeTarget, quoteTarget } from './downgrade-target.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed document. A missing variable without a default is an error. */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${path || 'config'}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, path ? `${path}.${key}` : key)]),
    );
  }
  return value;
}

/** Validates a plain object as config, with every problem listed by path. */
export function parseConfig(document: unknown, env: NodeJS.ProcessEnv = process.env): TollgateConfig {
  const result = configSchema.safeParse(substituteEnv(document ?? {}, env));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  return cross(result.data);
}

/** Reads a YAML (or JSON) config file. */
export function loadConfigFile(filePath: string, env: NodeJS.ProcessEnv = process.env): TollgateConfig {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${filePath}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${filePath} is not valid YAML: ${(error as Error).message}`);
  }
  return parseConfig(document, env);
}

/** Checks that need the whole document: references between sections. */
function cross(config: TollgateConfig): TollgateConfig {
  const problems: string[] = [];
  const providerOf = (target: string) => target.slice(target.lastIndexOf('@') + 1);
  for (const [name, model] of Object.entries(config.models)) {
    for (const target of [model.target, ...model.equivalents, ...model.fallbacks, ...(model.overflowTarget ? [model.overflowTarget] : [])]) {
      if (!ownEntry(config.providers, providerOf(target))) problems.push(`models.${name}: unknown provider in ${target}`);
    }
  }
  if (config.defaultProvider && !ownEntry(config.providers, config.defaultProvider)) {
    problems.push(`defaultProvider: unknown provider ${config.defaultProvider}`);
  }
  const nodes = new Set(config.pricing.localNodes.map((node) => node.id));
  for (const [id, provider] of Object.entries(config.providers)) {
    if (provider.node && !nodes.has(provider.node)) problems.push(`providers.${id}.node: no pricing.localNodes entry ${provider.node}`);
  }
  for (const [name, route] of Object.entries(config.routes)) {
    for (const alias of [...(route.candidates ?? []), ...(route.strong ? [route.strong] : []), ...(route.weak ? [route.weak] : []), ...(route.taskRules ?? []).map((rule) => rule.model)]) {
      if (!ownEntry(config.models, alias)) problems.push(`routes.${name}: ${alias} is not a model alias`);
    }
    // A missing artefact is not fatal: the route uses its fallbackRule and the runtime warns at start.
  }
  for (const [name, experiment] of Object.entries(config.experiments)) {
    for (const alias of [experiment.model, experiment.candidate]) if (!ownEntry(config.models, alias)) problems.push(`experiments.${name}: ${alias} is not a model alias`);
  }
  // A key's id is derived from its secret: a second key with the same secret silently replaced the first
  // (its org, project and limits), and a virtual key that is also an admin secret opened the admin API to its holder.
  const secretOwners = new Map<string, string>();
  for (const key of config.keys) {
    const owner = secretOwners.get(key.secret);
    if (owner !== undefined) problems.push(`keys.${key.name}: same secret as key ${owner} (each virtual key needs its own secret)`);
    else secretOwners.set(key.secret, key.name);
  }
  for (const adminKey of config.admin.keys) {
    const owner = secretOwners.get(adminKey.secret);
    if (owner !== undefined) problems.push(`admin.keys.${adminKey.name}: same secret as virtual key ${owner} (an admin secret must not be a proxy key)`);
  }
  const budgetIds = new Set<string>();
  for (const budget of config.budgets) {
    if (budgetIds.has(budget.id)) problems.push(`budgets: duplicate id ${budget.id}`);
    budgetIds.add(budget.id);
    for (const [index, threshold] of budget.thresholds.entries()) {
      if (threshold.downgradeTo !== undefined && !isKnownDowngradeTarget(threshold.downgradeTo, config)) {
        const bare = config.defaultProvider === undefined ? '' : ', nor a model name for the default provider';
        problems.push(`budgets.${budget.id}.thresholds.${index}.downgradeTo: ${quoteTarget(threshold.downgradeTo)} is neither a model alias nor model@provider of a configured provider${bare}`);
      }
    }
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return config;
}
