import type { TollgateConfig } from '../config/schema.ts';
import { GatewayError } from '../domain/errors.ts';
import type { ResolvedTargets, Target } from '../domain/request.ts';
import { ownEntry } from '../domain/own-entry.ts';

/**
 * Maps a requested model name to its target chain. Order: an alias in `models`, then an explicit
 * `model@provider`, then `defaultProvider` with the name as is. Pure.
 */
export function resolveTargets(config: TollgateConfig, requestedModel: string): ResolvedTargets {
  const alias = ownEntry(config.models, requestedModel);
  if (alias) return { chain: aliasChain(config, requestedModel, alias).slice() };
  const at = requestedModel.lastIndexOf('@');
  if (at > 0) {
    const providerId = requestedModel.slice(at + 1);
    if (ownEntry(config.providers, providerId)) return { chain: [parseTarget(config, requestedModel)] };
  }
  if (config.defaultProvider) {
    return { chain: [{ providerId: config.defaultProvider, provider: config.providers[config.defaultProvider]!, upstreamModel: requestedModel }] };
  }
  throw new GatewayError('model_not_found', `The model '${requestedModel}' does not exist or is not served by this gateway`, {
    param: 'model',
  });
}

/**
 * An alias's targets, parsed once per config (a config is never edited once loaded; the aliases are
 * the config's own, so the memo is bounded by it): each call gets its own array of the same targets.
 */
const aliasChains = new WeakMap<TollgateConfig, Map<string, readonly Target[]>>();
function aliasChain(config: TollgateConfig, name: string, alias: NonNullable<ReturnType<typeof ownEntry<TollgateConfig['models'][string]>>>): readonly Target[] {
  let chains = aliasChains.get(config);
  if (chains === undefined) aliasChains.set(config, (chains = new Map()));
  let chain = chains.get(name);
  if (chain === undefined) chains.set(name, (chain = [alias.target, ...alias.equivalents, ...alias.fallbacks].map((target) => parseTarget(config, target))));
  return chain;
}

function parseTarget(config: TollgateConfig, target: string): Target {
  const at = target.lastIndexOf('@');
  const providerId = target.slice(at + 1);
  const provider = ownEntry(config.providers, providerId);
  if (!provider) throw new GatewayError('internal', `configured target ${target} names an unknown provider`);
  return { providerId, provider, upstreamModel: target.slice(0, at) };
}
