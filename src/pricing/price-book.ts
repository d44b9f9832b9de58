import type { NanoUsd } from '../domain/money.ts';
import type { Usage } from '../domain/usage.ts';

export interface PriceQuery {
  /** Model name as served (upstream-reported when known). */
  model: string;
  /** Config provider id (`openai`, `my-vllm`, …). */
  providerId: string;
  /** genai-prices provider id for list prices (from the provider kind or `priceProvider`). */
  priceProviderId: string | undefined;
  /** Local node id for `openai-compatible` upstreams that are priced by amortised node cost. */
  nodeId?: string | undefined;
  /** When the request happened (date-dependent prices). */
  timeMs: number;
  /** Batch API pricing (50% on most providers). */
  batch?: boolean;
}

export interface Cost {
  inputNanoUsd: NanoUsd;
  outputNanoUsd: NanoUsd;
  /** input + output + other: the amount billed. */
  totalNanoUsd: NanoUsd;
  /**
   * The part on neither side (per-request fees, web searches and other tool calls), already in
   * `totalNanoUsd`; absent means 0. genai-prices splits prices the same way.
   */
  otherNanoUsd?: NanoUsd;
  /** False when no price is known: every amount is 0 and the caller must flag the request. */
  priced: boolean;
  /** Where the price came from, for explanations: 'genai-prices:openai/gpt-4o', 'override', 'local-node:gpu-box'. */
  source: string;
}

/** Prices per million tokens, in nano-dollars (so $0.075/M = 75_000_000). */
export interface ModelRates {
  inputPerMTokNanoUsd: number;
  outputPerMTokNanoUsd: number;
  cacheReadPerMTokNanoUsd: number;
  cacheWritePerMTokNanoUsd: number;
  contextWindow: number | undefined;
}

export interface PriceBook {
  /** Exact cost of a usage. Pure apart from memoisation; never throws for unknown models. */
  cost(usage: Usage, query: PriceQuery): Cost;
  /** Base (first-tier) rates for estimates and routing; undefined when unpriced. */
  rates(query: PriceQuery): ModelRates | undefined;
}
