import { buildPriceSheet } from '../../analytics/reports/price-sheet.ts';
import { GatewayError } from '../../domain/errors.ts';
import { loadBundledCatalogue } from '../../pricing/bundled-catalogue.ts';
import { createPriceBook } from '../../pricing/genai-price-book.ts';
import { createLocalNodeCosts } from '../../pricing/local-nodes.ts';
import { CliError, defineCommand } from '../command.ts';
import { loadCliConfig, output } from '../open-state.ts';

export default defineCommand({
  name: 'prices',
  description: 'Show the per-million-token prices the gateway charges for a model (alias, model@provider or raw name).',
  usage: 'tollgate prices MODEL [--config tollgate.yaml] [--json]',
  options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } },
  run({ values, positionals }) {
    const model = positionals[0];
    if (!model) throw new CliError('usage: tollgate prices MODEL [--config tollgate.yaml] [--json]', 2);
    const config = loadCliConfig(typeof values.config === 'string' ? values.config : undefined);
    const priceBook = createPriceBook({
      catalogue: loadBundledCatalogue(),
      overrides: config.pricing.overrides,
      localNodes: createLocalNodeCosts(config.pricing.localNodes),
      providerKinds: Object.fromEntries(Object.entries(config.providers).map(([id, p]) => [id, p.kind])),
    });
    let rows;
    try {
      rows = buildPriceSheet(config, priceBook, model, Date.now());
    } catch (error) {
      if (error instanceof GatewayError) throw new CliError(error.message);
      throw error;
    }
    output(values.json === true, { model, targets: rows }, () =>
      rows
        .map((row) =>
          row.priced
            ? `${row.target}: input $${row.inputPerMTokUsd}/M, output $${row.outputPerMTokUsd}/M, cache read $${row.cacheReadPerMTokUsd}/M, cache write $${row.cacheWritePerMTokUsd}/M${row.contextWindow ? `, context ${row.contextWindow}` : ''}`
            : `${row.target}: UNPRICED (add a pricing.overrides entry; requests are flagged, never counted as $0)`,
        )
        .join('\n'),
    );
  },
});
