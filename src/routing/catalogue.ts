import type { TollgateConfig } from '../config/schema.ts';
import { priceProviderFor } from '../pricing/price-provider.ts';
import { resolveTargets } from './resolve-target.ts';
import type { Target } from '../domain/request.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import { modelKind, type ModelCapabilities, type ModelKind, type RoutedOperation } from './model-kind.ts';
import type { QualityStats } from './quality-stats.ts';
import type { TargetStats } from './target-stats.ts';

/** One model the router can choose: what it costs, what it can do, how it has behaved. */
export interface CatalogueEntry {
  alias: string;
  target: Target;
  key: string;
  contextWindow: number | undefined;
  /** Operations it serves (chat also covers Anthropic messages), and where that came from. */
  operations: RoutedOperation[];
  operationsSource: ModelKind['operationsSource'];
  capabilities: ModelCapabilities;
  priced: boolean;
  inputPerMTokNano: number;
  outputPerMTokNano: number;
  /** 0..1: config prior, else a price-based prior (dearer models are assumed better). */
  quality: number;
  qualitySource: 'config' | 'price-prior' | 'measured';
  latencyMs: number;
  latencySource: 'measured' | 'config' | 'default';
  errorRate: number;
  local: boolean;
}

export function targetKey(target: Target): string {
  return `${target.upstreamModel}@${target.providerId}`;
}

/** The catalogue: every configured model alias, with what its first target serves and can do. */
export function buildCatalogue(config: TollgateConfig, priceBook: PriceBook, stats: TargetStats, nowMs: number, quality?: QualityStats): CatalogueEntry[] {
  const entries: CatalogueEntry[] = [];
  for (const [alias, model] of Object.entries(config.models)) {
    const target = resolveTargets(config, alias).chain[0];
    if (!target) continue;
    const rates = priceBook.rates({
      model: target.upstreamModel,
      providerId: target.providerId,
      priceProviderId: priceProviderFor(target.provider.kind, target.provider.priceProvider),
      nodeId: target.provider.node,
      timeMs: nowMs,
    });
    const key = targetKey(target);
    const health = stats.get(key);
    const kind = modelKind({ upstreamModel: target.upstreamModel, operations: model.operations, capabilities: model.capabilities, listRates: target.provider.node === undefined ? rates : undefined });
    entries.push({
      alias,
      target,
      key,
      contextWindow: model.contextWindow ?? rates?.contextWindow,
      operations: kind.operations,
      operationsSource: kind.operationsSource,
      capabilities: kind.capabilities,
      priced: rates !== undefined,
      inputPerMTokNano: rates?.inputPerMTokNanoUsd ?? 0,
      outputPerMTokNano: rates?.outputPerMTokNanoUsd ?? 0,
      quality: model.quality ?? 0,
      qualitySource: model.quality !== undefined ? 'config' : 'price-prior',
      latencyMs: health?.latencyMs ?? model.expectedLatencyMs ?? 1_000,
      latencySource: health?.latencyMs !== undefined ? 'measured' : model.expectedLatencyMs !== undefined ? 'config' : 'default',
      errorRate: health?.errorRate ?? 0,
      local: target.provider.node !== undefined,
    });
  }
  // Price prior for models without a configured quality: rank by blended price, 0.3 (cheapest) to 0.9 (dearest).
  // Embedding models are ranked among themselves: their prices say nothing about chat quality.
  const blended = (entry: CatalogueEntry) => entry.inputPerMTokNano + 3 * entry.outputPerMTokNano;
  const embeddingOnly = (entry: CatalogueEntry) => entry.operations.every((operation) => operation === 'embedding');
  for (const group of [false, true]) {
    const unrated = entries.filter((entry) => entry.qualitySource === 'price-prior' && embeddingOnly(entry) === group);
    const sorted = [...unrated].sort((a, b) => blended(a) - blended(b));
    sorted.forEach((entry, index) => (entry.quality = sorted.length > 1 ? 0.3 + (0.6 * index) / (sorted.length - 1) : 0.6));
  }
  // Measured quality (automatic signals and feedback) takes over from the prior as evidence accumulates.
  for (const entry of entries) {
    const measured = quality?.get(entry.key);
    if (!measured || measured.samples < 20) continue;
    const weight = Math.min(0.8, measured.samples / 500);
    entry.quality = (1 - weight) * entry.quality + weight * measured.score;
    entry.qualitySource = 'measured';
  }
  return entries;
}
