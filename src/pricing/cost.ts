import type { NanoUsd } from '../domain/money.ts';
import type { Usage } from '../domain/usage.ts';
import { parseDecimal, roundHalfUpBig, roundHalfUpNumber, type Ratio } from './decimal.ts';
import type { PlanUnit, PricePlan } from './price-plan.ts';

/** A cost split the way genai-prices splits it, each side rounded to the nano-dollar once. */
export interface CostBreakdown {
  inputNanoUsd: NanoUsd;
  outputNanoUsd: NanoUsd;
  /** Units with no direction: per-request fees, web searches and other tool calls. */
  otherNanoUsd: NanoUsd;
  /** input + output + other. */
  totalNanoUsd: NanoUsd;
}

export interface CostOptions {
  /**
   * Batch API request: token units cost `BATCH_PRICE_RATIO` of list price. Per-request fees and
   * tool calls (web searches) are not discounted: no provider discounts those for batches.
   */
  batch?: boolean | undefined;
  /** An exact factor on every amount, applied before rounding (a 12.5% discount is 875/1000). */
  factor?: Ratio | undefined;
}

/**
 * Batch price as a fraction of list price. genai-prices' data has no batch prices at all;
 * OpenAI, Anthropic, Google (Gemini) and Bedrock all bill their batch APIs at 50% of list for
 * input, output and cache tokens, and Portkey's catalogue agrees for every chat model it gives a
 * `batch_config` (the exceptions it lists are Vertex/Google embeddings at 80%, not modelled here;
 * an operator can override those prices).
 */
export const BATCH_PRICE_RATIO: Ratio = { numerator: 1n, denominator: 2n };

const NO_FACTOR: Ratio = { numerator: 1n, denominator: 1n };

/**
 * Exact cost of a usage against a compiled price plan. Pure. Each priced unit's share of the
 * usage is its LEAF count: its own count minus the leaves of the more specific priced units
 * inside it (so with cache reads priced, `input_tokens` is billed for the uncached rest; with
 * cache reads unpriced, cache reads stay in `input_tokens` at the input rate). Long-context
 * tiers are chosen by the request's TOTAL input tokens (cache included) and then apply to all
 * tokens of that unit: 200,000 input tokens bill at the base rate, 200,001 at the tier rate.
 * Products are exact integers; each side (input, output, other) is rounded half up once.
 */
export function costOfUsage(usage: Usage, plan: PricePlan, options: CostOptions = {}): CostBreakdown {
  const factor = options.factor ?? NO_FACTOR;
  const batch = options.batch === true;
  if (plan.safe) {
    const fast = fastCost(usage, plan, batch, factor);
    if (fast) return fast;
  }
  return exactCost(usage, plan, batch, factor);
}

/** Base (first-tier) rates in nano-USD per million units, for estimates and display. */
export interface BaseRates {
  input: number;
  output: number;
  /** The cache-read rate, or the input rate when cache reads are not priced separately. */
  cacheRead: number;
  /** The 5-minute cache-write rate, or the input rate when not priced separately. */
  cacheWrite: number;
}

/** The plan's base rates per million tokens, with the batch and factor options applied and rounded half up. */
export function baseRatesPerMTok(plan: PricePlan, options: CostOptions = {}): BaseRates {
  const factor = options.factor ?? NO_FACTOR;
  const batchRatio = options.batch ? BATCH_PRICE_RATIO : NO_FACTOR;
  const rateOf = (usageKey: string): bigint | undefined => plan.units.find((entry) => entry.unit.usageKey === usageKey)?.base;
  const perMTok = (rate: bigint | undefined): number =>
    Number(
      roundHalfUpBig(
        (rate ?? 0n) * 1_000_000n * factor.numerator * batchRatio.numerator,
        plan.scale * factor.denominator * batchRatio.denominator,
      ),
    );
  const input = rateOf('input_tokens');
  return {
    input: perMTok(input),
    output: perMTok(rateOf('output_tokens')),
    cacheRead: perMTok(rateOf('cache_read_tokens') ?? input),
    cacheWrite: perMTok(rateOf('cache_write_tokens') ?? input),
  };
}

/** How many units of `usageKey` a usage holds (genai-prices usage keys over our Usage). */
export function usageCount(usage: Usage, usageKey: string): number {
  switch (usageKey) {
    case 'input_tokens':
      return usage.input.total;
    case 'cache_read_tokens':
      return usage.input.cacheRead;
    case 'cache_write_tokens':
      return usage.input.cacheWrite;
    case 'cache_write_1h_tokens':
      return usage.input.cacheWrite1h;
    case 'cache_write_5m_tokens':
      // Anthropic's default TTL is 5 minutes: every cache write that is not a 1-hour write.
      return clean(usage.units.cache_write_5m_tokens) ?? usage.input.cacheWrite - usage.input.cacheWrite1h;
    case 'output_tokens':
      return usage.output.total;
    case 'output_reasoning_tokens':
      return usage.output.reasoning;
    case 'requests':
      return 1;
    default:
      return clean(usage.units[usageKey]) ?? 0;
  }
}

/** Doubles while every intermediate is a safe integer; undefined when one is not (then BigInt). */
function fastCost(usage: Usage, plan: PricePlan, batch: boolean, factor: Ratio): CostBreakdown | undefined {
  const units = plan.units;
  const leaves = new Array<number>(units.length);
  const tierInput = usage.input.total;
  let input = 0;
  let output = 0;
  let other = 0;
  for (let index = 0; index < units.length; index += 1) {
    const entry = units[index]!;
    let leaf = usageCount(usage, entry.unit.usageKey);
    for (const descendant of entry.descendants) leaf -= leaves[descendant]!;
    if (!(leaf > 0)) leaf = 0;
    leaves[index] = leaf;
    if (leaf === 0) continue;
    if (!Number.isSafeInteger(leaf)) return undefined;
    let rate = entry.baseNumber;
    for (const tier of entry.tiers) if (tierInput > tier.start) rate = tier.rateNumber;
    // In a batch, everything is over a doubled denominator, so full-price units count twice.
    let term = leaf * rate;
    if (batch && !entry.batchable) term *= 2;
    if (!Number.isSafeInteger(term)) return undefined;
    if (entry.unit.direction === 'input') input += term;
    else if (entry.unit.direction === 'output') output += term;
    else other += term;
  }
  const multiplier = Number(factor.numerator);
  const denominator = plan.scaleNumber * (batch ? 2 : 1) * Number(factor.denominator);
  if (!Number.isSafeInteger(denominator * 2) || !Number.isSafeInteger(multiplier)) return undefined;
  const inputSide = input * multiplier;
  const outputSide = output * multiplier;
  const otherSide = other * multiplier;
  if (!Number.isSafeInteger(inputSide) || !Number.isSafeInteger(outputSide) || !Number.isSafeInteger(otherSide)) return undefined;
  const inputNanoUsd = roundHalfUpNumber(inputSide, denominator);
  const outputNanoUsd = roundHalfUpNumber(outputSide, denominator);
  const otherNanoUsd = roundHalfUpNumber(otherSide, denominator);
  return { inputNanoUsd, outputNanoUsd, otherNanoUsd, totalNanoUsd: inputNanoUsd + outputNanoUsd + otherNanoUsd };
}

/** The same computation in BigInt, also exact for fractional counts (audio seconds, characters). */
function exactCost(usage: Usage, plan: PricePlan, batch: boolean, factor: Ratio): CostBreakdown {
  const counts = plan.units.map((entry) => parseDecimal(usageCount(usage, entry.unit.usageKey)));
  const countDecimals = counts.reduce((most, count) => Math.max(most, count.decimals), 0);
  const countScale = 10n ** BigInt(countDecimals);
  const leaves: bigint[] = [];
  const sums = { input: 0n, output: 0n, other: 0n };
  const tierInput = usage.input.total;
  plan.units.forEach((entry: PlanUnit, index) => {
    const count = counts[index]!;
    let leaf = count.coefficient * 10n ** BigInt(countDecimals - count.decimals);
    for (const descendant of entry.descendants) leaf -= leaves[descendant]!;
    if (leaf < 0n) leaf = 0n;
    leaves[index] = leaf;
    let rate = entry.base;
    for (const tier of entry.tiers) if (tierInput > tier.start) rate = tier.rate;
    const term = leaf * rate * (batch && !entry.batchable ? 2n : 1n);
    sums[entry.unit.direction] += term;
  });
  const denominator = plan.scale * countScale * (batch ? 2n : 1n) * factor.denominator;
  const round = (sum: bigint): number => Number(roundHalfUpBig(sum * factor.numerator, denominator));
  const inputNanoUsd = round(sums.input);
  const outputNanoUsd = round(sums.output);
  const otherNanoUsd = round(sums.other);
  return { inputNanoUsd, outputNanoUsd, otherNanoUsd, totalNanoUsd: inputNanoUsd + outputNanoUsd + otherNanoUsd };
}

function clean(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined;
}
