import type { ModelPrices, PriceValue } from './catalogue.ts';
import { lcm, parseDecimal, reduceRatio, type Decimal, type Ratio } from './decimal.ts';
import { isAncestorOrSelf, joinOf, overlaps, unitForPriceKey, UNITS, type UnitDef } from './units.ts';

/** One priced unit of a plan, with its rates as exact integers (see `PricePlan.scale`). */
export interface PlanUnit {
  readonly unit: UnitDef;
  /** Rate below the first tier, in nano-USD per `scale` usage units. */
  readonly base: bigint;
  /** Tiers by ascending start; a tier applies when the total input tokens exceed `start`. */
  readonly tiers: readonly { readonly start: number; readonly rate: bigint; readonly rateNumber: number }[];
  readonly baseNumber: number;
  /**
   * Indices (earlier in `PricePlan.units`) of the priced units counted inside this one, e.g.
   * `cache_read_tokens` inside `input_tokens`: their leaves are subtracted so no token is billed twice.
   */
  readonly descendants: readonly number[];
  /** Batch discounts apply to token units only, not to per-request fees or tool calls. */
  readonly batchable: boolean;
}

/**
 * A model's price list compiled for exact, allocation-light costing. Every rate r is such that
 * cost in nano-USD = count × r / scale, exactly; `scale` is the least common denominator of all
 * rates (1 for whole nano-USD per token, 4 for $0.01875/M = 18.75 nano per token, …), so rates
 * with any number of decimals stay exact.
 */
export interface PricePlan {
  /** Most specific units first, so a unit's descendants are computed before it. */
  readonly units: readonly PlanUnit[];
  readonly scale: bigint;
  readonly scaleNumber: number;
  /** True when every rate and the scale are safe doubles, allowing the fast path in cost.ts. */
  readonly safe: boolean;
  /** Price keys this version does not know (ignored, as genai-prices does, but reported). */
  readonly unknownPriceKeys: readonly string[];
  /**
   * Lattice gaps that make genai-prices refuse to price this model (a priced unit whose ancestor
   * or overlap join is unpriced). The plan still prices what it can; callers may report these.
   */
  readonly problems: readonly string[];
}

const NANO_PER_USD = 1_000_000_000n;

/** Compiles a price list. Pure; throws only on a malformed amount (the catalogue loader rejects those first). */
export function compilePrices(prices: ModelPrices): PricePlan {
  const entries: { unit: UnitDef; value: PriceValue }[] = [];
  const unknownPriceKeys: string[] = [];
  for (const [key, value] of Object.entries(prices)) {
    if (value === undefined) continue;
    const unit = unitForPriceKey(key);
    if (unit) entries.push({ unit, value });
    else unknownPriceKeys.push(key);
  }
  // Most specific first (more dimensions), then by name: genai-prices' leaf order.
  entries.sort(
    (a, b) =>
      Object.keys(b.unit.dimensions).length - Object.keys(a.unit.dimensions).length || a.unit.usageKey.localeCompare(b.unit.usageKey),
  );

  const exactRates = entries.map(({ unit, value }) => {
    const base = ratePerUnit(typeof value === 'object' ? value.base : value, unit);
    // Ascending, so the last crossed threshold wins (the catalogue loader sorts too; overrides have no tiers).
    const tiers =
      typeof value === 'object'
        ? [...value.tiers].sort((a, b) => a.start - b.start).map((tier) => ({ start: tier.start, rate: ratePerUnit(tier.price, unit) }))
        : [];
    return { base, tiers };
  });
  let scale = 1n;
  for (const { base, tiers } of exactRates) {
    scale = lcm(scale, base.denominator);
    for (const tier of tiers) scale = lcm(scale, tier.rate.denominator);
  }
  let safe = scale <= BigInt(Number.MAX_SAFE_INTEGER);
  const scaled = (ratio: Ratio): bigint => {
    const value = (ratio.numerator * scale) / ratio.denominator;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) safe = false;
    return value;
  };

  const units: PlanUnit[] = entries.map(({ unit }, index) => {
    const rates = exactRates[index]!;
    const base = scaled(rates.base);
    const tiers = rates.tiers.map((tier) => {
      const rate = scaled(tier.rate);
      return { start: tier.start, rate, rateNumber: Number(rate) };
    });
    const descendants: number[] = [];
    for (let other = 0; other < index; other += 1) {
      const candidate = entries[other]!.unit;
      if (candidate !== unit && isAncestorOrSelf(unit, candidate)) descendants.push(other);
    }
    return { unit, base, baseNumber: Number(base), tiers, descendants, batchable: unit.dimensions.family === 'tokens' };
  });

  return {
    units,
    scale,
    scaleNumber: Number(scale),
    safe,
    unknownPriceKeys,
    problems: latticeProblems(entries.map((entry) => entry.unit)),
  };
}

/** Exact nano-USD per single usage unit, reduced: a price is dollars per `unit.per` units. */
function ratePerUnit(price: number | string, unit: UnitDef): Ratio {
  const decimal: Decimal = parseDecimal(price);
  return reduceRatio({
    numerator: decimal.coefficient * NANO_PER_USD,
    denominator: 10n ** BigInt(decimal.decimals) * BigInt(unit.per),
  });
}

/**
 * genai-prices refuses a price list where a priced unit's ancestor is unpriced (a cache-audio
 * price without a cache price) or two overlapping priced units lack a priced join (cache reads and
 * audio input priced, cached audio not), because the split of such usage would be ambiguous.
 */
function latticeProblems(units: readonly UnitDef[]): string[] {
  const problems: string[] = [];
  const priced = new Set(units);
  for (const unit of units) {
    for (const ancestor of UNITS) {
      if (ancestor !== unit && isAncestorOrSelf(ancestor, unit) && !priced.has(ancestor)) {
        problems.push(`missing ancestor price ${ancestor.priceKey} for ${unit.priceKey}`);
      }
    }
  }
  for (let i = 0; i < units.length; i += 1) {
    for (let j = i + 1; j < units.length; j += 1) {
      const a = units[i]!;
      const b = units[j]!;
      if (!overlaps(a, b) || isAncestorOrSelf(a, b) || isAncestorOrSelf(b, a)) continue;
      const join = joinOf(a, b);
      if (!join) problems.push(`no unit joins ${a.priceKey} and ${b.priceKey}`);
      else if (!priced.has(join)) problems.push(`missing join price ${join.priceKey} for ${a.priceKey} and ${b.priceKey}`);
    }
  }
  return problems;
}
