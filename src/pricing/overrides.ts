import type { PriceOverride } from '../config/schema.ts';
import type { ModelPrices } from './catalogue.ts';
import { formatDecimal, parseDecimal, shiftDecimal, type Ratio } from './decimal.ts';

/** The combined effect of every operator override that matches one (provider, model). */
export interface ResolvedOverride {
  /** Price keys set by the overrides (exact decimal text); empty when they only set a discount. */
  prices: ModelPrices;
  /** The multiplier left after the discount (12.5% off = 875/1000); undefined without a discount. */
  factor: Ratio | undefined;
  discountPercent: number | undefined;
  /** The patterns that matched, most specific last, for the source label. */
  matched: string[];
}

/**
 * Finds the overrides for a served model on a config provider and folds them from least to most
 * specific: a provider-less rule before a provider rule, a shorter prefix before a longer one, a
 * prefix before an exact name. Each price key and the discount come from the most specific
 * override that sets them, so `{model: '*', discountPercent: 10}` (a negotiated discount) still
 * applies under `{model: 'llama-*', provider: 'vllm', inputPerMTokUsd: 0.1}`.
 * Model names match exactly as the upstream reports them (case-sensitive), or by a `*` prefix.
 */
export function resolveOverride(overrides: readonly PriceOverride[], providerId: string, model: string): ResolvedOverride | undefined {
  const matching = overrides
    .map((override, order) => ({ override, order, rank: matchRank(override, providerId, model) }))
    .filter((entry): entry is { override: PriceOverride; order: number; rank: number } => entry.rank !== undefined)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  if (matching.length === 0) return undefined;
  const prices: ModelPrices = {};
  let discountPercent: number | undefined;
  for (const { override } of matching) {
    if (override.inputPerMTokUsd !== undefined) prices.input_mtok = exact(override.inputPerMTokUsd);
    if (override.outputPerMTokUsd !== undefined) prices.output_mtok = exact(override.outputPerMTokUsd);
    if (override.cacheReadPerMTokUsd !== undefined) prices.cache_read_mtok = exact(override.cacheReadPerMTokUsd);
    if (override.cacheWritePerMTokUsd !== undefined) prices.cache_write_mtok = exact(override.cacheWritePerMTokUsd);
    // The catalogue prices requests per thousand; $0.005 a request is $5 per thousand, exactly.
    if (override.requestUsd !== undefined) prices.requests_kcount = formatDecimal(shiftDecimal(parseDecimal(override.requestUsd), 3));
    if (override.discountPercent !== undefined) discountPercent = override.discountPercent;
  }
  return {
    prices,
    factor: discountPercent === undefined ? undefined : discountFactor(discountPercent),
    discountPercent,
    matched: matching.map(({ override }) => (override.provider ? `${override.model}@${override.provider}` : override.model)),
  };
}

/** Exact multiplier for a percentage discount: 12.5 -> 875/1000. */
export function discountFactor(percent: number): Ratio {
  const decimal = parseDecimal(percent);
  const hundred = 100n * 10n ** BigInt(decimal.decimals);
  const remaining = hundred - decimal.coefficient;
  if (remaining < 0n) throw new RangeError(`discount over 100%: ${percent}`);
  return { numerator: remaining, denominator: hundred };
}

/**
 * Specificity of a match (higher wins), undefined when the override does not apply. Provider
 * beats model specificity: a rule written for this provider is the operator's sharper statement.
 */
function matchRank(override: PriceOverride, providerId: string, model: string): number | undefined {
  if (override.provider !== undefined && override.provider !== providerId) return undefined;
  const providerBonus = override.provider === undefined ? 0 : 1_000_000;
  const pattern = override.model;
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return model.startsWith(prefix) ? providerBonus + prefix.length : undefined;
  }
  // An exact name outranks any prefix of it.
  return pattern === model ? providerBonus + 500_000 : undefined;
}

function exact(usd: number): string {
  return formatDecimal(parseDecimal(usd));
}
