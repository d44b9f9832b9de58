import { isValidModelName } from '../domain/model-name.ts';
import { ownEntry } from '../domain/own-entry.ts';
import type { TollgateConfig } from './schema.ts';

/**
 * Whether a budget may downgrade to `target`: a model alias, `model@provider` with a configured
 * provider, or (with a `defaultProvider`) a bare model name, in the model-name character set. Anything
 * else was sent upstream under that name for every request in the budget's scope past the threshold.
 * The config file and the admin API both check it.
 */
export function isKnownDowngradeTarget(target: string, config: Pick<TollgateConfig, 'models' | 'providers' | 'defaultProvider'>): boolean {
  if (ownEntry(config.models, target)) return true;
  if (!isValidModelName(target)) return false;
  const at = target.lastIndexOf('@');
  return at > 0 ? ownEntry(config.providers, target.slice(at + 1)) !== undefined : config.defaultProvider !== undefined;
}

/** The target as a message may quote it: bounded, printable ASCII. */
export function quoteTarget(target: string): string {
  return `'${target.slice(0, 80).replace(/[^\x20-\x7e]/g, '?')}'`;
}
