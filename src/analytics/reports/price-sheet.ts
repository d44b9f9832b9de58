import type { TollgateConfig } from '../../config/schema.ts';
import { formatUsd } from '../../domain/money.ts';
import { priceProviderFor } from '../../pricing/price-provider.ts';
import { resolveTargets } from '../../routing/resolve-target.ts';
import type { PriceBook } from '../../pricing/price-book.ts';

export interface PriceSheetRow {
  target: string;
  priced: boolean;
  inputPerMTokUsd?: string;
  outputPerMTokUsd?: string;
  cacheReadPerMTokUsd?: string;
  cacheWritePerMTokUsd?: string;
  contextWindow?: number | null;
}

/** The per-million-token rates the gateway would charge for a model name (alias, model@provider or raw name), per target in its chain. */
export function buildPriceSheet(config: TollgateConfig, priceBook: PriceBook, model: string, timeMs: number): PriceSheetRow[] {
  const { chain } = resolveTargets(config, model);
  return chain.map((target) => {
    const rates = priceBook.rates({
      model: target.upstreamModel,
      providerId: target.providerId,
      priceProviderId: priceProviderFor(target.provider.kind, target.provider.priceProvider),
      nodeId: target.provider.node,
      timeMs,
    });
    const row: PriceSheetRow = { target: `${target.upstreamModel}@${target.providerId}`, priced: rates !== undefined };
    if (rates) {
      row.inputPerMTokUsd = formatUsd(rates.inputPerMTokNanoUsd);
      row.outputPerMTokUsd = formatUsd(rates.outputPerMTokNanoUsd);
      row.cacheReadPerMTokUsd = formatUsd(rates.cacheReadPerMTokNanoUsd);
      row.cacheWritePerMTokUsd = formatUsd(rates.cacheWritePerMTokNanoUsd);
      row.contextWindow = rates.contextWindow ?? null;
    }
    return row;
  });
}
