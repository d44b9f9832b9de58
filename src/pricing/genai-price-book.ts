import type { PriceOverride, ProviderKind } from '../config/schema.ts';
import type { Usage } from '../domain/usage.ts';
import type { Catalogue, CatalogueModel, ConditionalPrices } from './catalogue.ts';
import { createCatalogueIndex, type CatalogueIndex, type ModelHit } from './catalogue-index.ts';
import { baseRatesPerMTok, costOfUsage, type CostBreakdown } from './cost.ts';
import type { Ratio } from './decimal.ts';
import { nodeCostNanoUsd, nodeRatePerMTok, type LocalNodeCosts } from './local-nodes.ts';
import { resolveOverride } from './overrides.ts';
import type { Cost, ModelRates, PriceBook, PriceQuery } from './price-book.ts';
import type { PricePlan } from './price-plan.ts';
import { compileSchedule, planAt, type PriceSchedule } from './price-schedule.ts';

export interface PriceBookOptions {
  /** genai-prices v2 providers: `loadBundledCatalogue()` or `loadCatalogueFile(path)`. */
  catalogue: Catalogue;
  /** `pricing.overrides` from config. */
  overrides?: readonly PriceOverride[] | undefined;
  /** Amortised local nodes; queries with a `nodeId` are priced by them (after overrides). */
  localNodes?: LocalNodeCosts | undefined;
  /**
   * Config provider id to kind. An `openai-compatible` provider without a `priceProvider` is
   * never priced by guessing from the model name: a local `deepseek-r1:7b` is not DeepSeek's API.
   */
  providerKinds?: Readonly<Record<string, ProviderKind>> | undefined;
  /** Label for catalogue sources (default 'genai-prices'). */
  catalogueName?: string | undefined;
  /** Memoised (provider, model) resolutions kept before the memo is reset (default 10,000). */
  memoLimit?: number | undefined;
}

/** What a (provider, model) resolves to, computed once and memoised. */
interface Resolution {
  /** The overrides' discount as an exact factor; undefined without one. */
  factor: Ratio | undefined;
  /** Override prices merged over the catalogue's; undefined when no override sets a price. */
  overrideSchedule: PriceSchedule | undefined;
  catalogueSchedule: PriceSchedule | undefined;
  /** Source labels, built once: 'override:llama-*', 'genai-prices:openai/gpt-4o -10%'. */
  overrideSource: string;
  catalogueSource: string;
  /** Appended to a local node's label. */
  discountSuffix: string;
  contextWindow: number | undefined;
  /**
   * `rates()` answers per plan of the schedules above, list price and batch: a plan, the factor
   * and the context window never change for a resolution, so neither does its answer (frozen).
   */
  ratesByPlan: Map<PricePlan, { list?: ModelRates; batch?: ModelRates }> | undefined;
}

const UNPRICED: Cost = Object.freeze({ inputNanoUsd: 0, outputNanoUsd: 0, totalNanoUsd: 0, priced: false, source: 'unpriced' });

/**
 * The gateway's price book. Resolution order for a query:
 * 1. operator overrides (`pricing.overrides`) that set prices, merged over the catalogue's prices;
 * 2. the local node, when `query.nodeId` names one (amortised $/hour, see local-nodes.ts);
 * 3. the catalogue: the model in `priceProviderId`'s list (with its fallback providers), else a
 *    search by model name as genai-prices does without a provider (not for `openai-compatible`
 *    providers without a `priceProvider`);
 * 4. otherwise unpriced: all zero, `priced: false`, never a throw.
 * An override's `discountPercent` applies on top of whichever price was found. The lookup per
 * (provider, model) is memoised; a warm `cost()` is arithmetic on a compiled plan.
 */
export function createPriceBook(options: PriceBookOptions): PriceBook {
  const index: CatalogueIndex = createCatalogueIndex(options.catalogue);
  const overrides = options.overrides ?? [];
  const localNodes = options.localNodes;
  const providerKinds = options.providerKinds ?? {};
  const catalogueName = options.catalogueName ?? 'genai-prices';
  const memoLimit = options.memoLimit ?? 10_000;
  // providerId -> priceProviderId -> model: three lookups, no key string built on the hot path.
  const memo = new Map<string, Map<string, Map<string, Resolution>>>();
  let memoSize = 0;
  const schedules = new WeakMap<CatalogueModel, PriceSchedule>();

  function scheduleOf(model: CatalogueModel): PriceSchedule {
    let schedule = schedules.get(model);
    if (!schedule) {
      schedule = compileSchedule(model.prices);
      schedules.set(model, schedule);
    }
    return schedule;
  }

  function findInCatalogue(query: PriceQuery): { hit: ModelHit; guessed: boolean } | undefined {
    // Tolerate a missing name from a sloppy upstream: unpriced, never a throw.
    if (typeof query.model !== 'string' || query.model.trim() === '') return undefined;
    const direct = query.priceProviderId ? index.findModel(query.priceProviderId, query.model) : undefined;
    if (direct) return { hit: direct, guessed: false };
    const localServer = providerKinds[query.providerId] === 'openai-compatible' && !query.priceProviderId;
    if (localServer) return undefined;
    const guessed = index.findModelWithoutProvider(query.model);
    return guessed ? { hit: guessed, guessed: true } : undefined;
  }

  function resolve(query: PriceQuery): Resolution {
    let byPriceProvider = memo.get(query.providerId);
    if (!byPriceProvider) memo.set(query.providerId, (byPriceProvider = new Map()));
    let byModel = byPriceProvider.get(query.priceProviderId ?? '');
    if (!byModel) byPriceProvider.set(query.priceProviderId ?? '', (byModel = new Map()));
    const known = byModel.get(query.model);
    if (known) return known;
    const override = typeof query.model === 'string' ? resolveOverride(overrides, query.providerId, query.model) : undefined;
    const found = findInCatalogue(query);
    const catalogueSchedule = found ? scheduleOf(found.hit.model) : undefined;
    const catalogueSource = found
      ? `${catalogueName}:${found.hit.provider.id}/${found.hit.model.id}${found.guessed ? ' (by model name)' : ''}`
      : '';
    let overrideSchedule: PriceSchedule | undefined;
    if (override && Object.keys(override.prices).length > 0) {
      // Override keys replace the catalogue's; keys it does not set (1-hour cache writes, audio,
      // tiers of other units) keep the catalogue's price, in every dated variant.
      const base: readonly ConditionalPrices[] = found
        ? Array.isArray(found.hit.model.prices)
          ? found.hit.model.prices
          : [{ prices: found.hit.model.prices }]
        : [{ prices: {} }];
      overrideSchedule = compileSchedule(base.map((entry) => ({ constraint: entry.constraint, prices: { ...entry.prices, ...override.prices } })));
    }
    const discountSuffix = override?.discountPercent ? ` -${override.discountPercent}%` : '';
    const resolution: Resolution = {
      factor: override?.factor,
      overrideSchedule,
      catalogueSchedule,
      overrideSource: override ? `override:${override.matched.at(-1)}${found ? `+${catalogueSource}` : ''}${discountSuffix}` : '',
      catalogueSource: catalogueSource + discountSuffix,
      discountSuffix,
      contextWindow: found?.hit.model.context_window,
      ratesByPlan: undefined,
    };
    if (memoSize >= memoLimit) {
      // Bounded: model names come from upstream responses, so a hostile upstream could vary them.
      for (const inner of memo.values()) for (const models of inner.values()) models.clear();
      memoSize = 0;
    }
    byModel.set(query.model, resolution);
    memoSize += 1;
    return resolution;
  }

  function nodeRate(query: PriceQuery) {
    return query.nodeId && localNodes ? localNodes.nanoPerToken(query.nodeId, query.timeMs) : undefined;
  }

  return {
    cost(usage: Usage, query: PriceQuery): Cost {
      const resolution = resolve(query);
      const { factor } = resolution;
      if (resolution.overrideSchedule) {
        const cost = costOfUsage(usage, planAt(resolution.overrideSchedule, query.timeMs), { batch: query.batch, factor });
        return priced(cost, resolution.overrideSource);
      }
      const rate = nodeRate(query);
      if (rate) {
        const inputNanoUsd = nodeCostNanoUsd(usage.input.total, rate, factor);
        const outputNanoUsd = nodeCostNanoUsd(usage.output.total, rate, factor);
        const basis = rate.basis === 'expected' ? ' (expected throughput)' : '';
        return {
          inputNanoUsd,
          outputNanoUsd,
          totalNanoUsd: inputNanoUsd + outputNanoUsd,
          priced: true,
          source: `local-node:${query.nodeId}${basis}${resolution.discountSuffix}`,
        };
      }
      if (resolution.catalogueSchedule) {
        const cost = costOfUsage(usage, planAt(resolution.catalogueSchedule, query.timeMs), { batch: query.batch, factor });
        return priced(cost, resolution.catalogueSource);
      }
      return UNPRICED;
    },

    rates(query: PriceQuery): ModelRates | undefined {
      const resolution = resolve(query);
      const { factor } = resolution;
      const schedule = resolution.overrideSchedule;
      if (schedule) return planRates(resolution, planAt(schedule, query.timeMs), query.batch === true);
      // A node's rate depends on the time (its expected or measured throughput): not memoised.
      const rate = nodeRate(query);
      if (rate) {
        const perMTok = nodeRatePerMTok(rate, factor);
        return toModelRates({ input: perMTok, output: perMTok, cacheRead: perMTok, cacheWrite: perMTok }, resolution);
      }
      if (resolution.catalogueSchedule) return planRates(resolution, planAt(resolution.catalogueSchedule, query.timeMs), query.batch === true);
      return undefined;
    },
  };
}

function priced(cost: CostBreakdown, source: string): Cost {
  return {
    inputNanoUsd: cost.inputNanoUsd,
    outputNanoUsd: cost.outputNanoUsd,
    otherNanoUsd: cost.otherNanoUsd,
    totalNanoUsd: cost.totalNanoUsd,
    priced: true,
    source,
  };
}

/** A plan's base rates for a resolution, computed once per plan and batch flag (they are pure in both). */
function planRates(resolution: Resolution, plan: PricePlan, batch: boolean): ModelRates {
  resolution.ratesByPlan ??= new Map();
  let byPlan = resolution.ratesByPlan.get(plan);
  if (!byPlan) resolution.ratesByPlan.set(plan, (byPlan = {}));
  const known = batch ? byPlan.batch : byPlan.list;
  if (known) return known;
  const rates = Object.freeze(toModelRates(baseRatesPerMTok(plan, { batch, factor: resolution.factor }), resolution));
  if (batch) byPlan.batch = rates;
  else byPlan.list = rates;
  return rates;
}

function toModelRates(rates: { input: number; output: number; cacheRead: number; cacheWrite: number }, resolution: Resolution): ModelRates {
  return {
    inputPerMTokNanoUsd: rates.input,
    outputPerMTokNanoUsd: rates.output,
    cacheReadPerMTokNanoUsd: rates.cacheRead,
    cacheWritePerMTokNanoUsd: rates.cacheWrite,
    contextWindow: resolution.contextWindow,
  };
}
