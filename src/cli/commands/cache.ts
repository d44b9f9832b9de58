import { createHashedEmbedder } from '../../language/embedder.ts';
import { analyseCacheHistory, type WhatIfReport } from '../../cache/what-if.ts';
import { formatUsd } from '../../domain/money.ts';
import { adminRequest } from '../admin-client.ts';
import { CliError, defineCommand, parseTimeFlag } from '../command.ts';
import { openCliStorage, output } from '../open-state.ts';

const USAGE = `tollgate cache stats [--from 2026-11-01] [--json]
tollgate cache warm --strategy frequency [--top 100] [--min-count 2] [--days 7] [--json]
tollgate cache analyze [--ttl 5m,1h,1d] [--threshold 0.85,0.9,0.95] [--from 2026-11-01] [--json]
tollgate cache purge [--namespace <org id>] [--model <model>] [--only exact|semantic] [--json]
stats, warm and purge talk to a running gateway: --url (or TOLLGATE_URL) with TOLLGATE_ADMIN_KEY.
analyze reads the ledger directly (TOLLGATE_DATA_DIR or DATABASE_URL); its semantic rows need ledger.storeBodies.`;

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

export default defineCommand({
  name: 'cache',
  description: 'Response cache: statistics, warm-up from the most repeated prompts, purges, and a what-if over the ledger.',
  usage: USAGE,
  options: {
    url: { type: 'string' },
    from: { type: 'string' },
    json: { type: 'boolean' },
    strategy: { type: 'string' },
    top: { type: 'string' },
    'min-count': { type: 'string' },
    days: { type: 'string' },
    ttl: { type: 'string' },
    threshold: { type: 'string' },
    namespace: { type: 'string' },
    model: { type: 'string' },
    only: { type: 'string' },
  },
  async run({ values, positionals }) {
    const json = values.json === true;
    const url = typeof values.url === 'string' ? values.url : undefined;
    const from = typeof values.from === 'string' ? values.from : undefined;
    switch (positionals[0] ?? 'stats') {
      case 'stats': {
        const stats = (await adminRequest(`/api/cache/stats${from ? `?from=${encodeURIComponent(from)}` : ''}`, { url })) as {
          hits: number;
          exactHits: number;
          semanticHits: number;
          misses: number;
          bypass: number;
          hitRate: number;
          savedUsd: string;
          /** Null for an org admin (the count is every org's). */
          markedWrong: number | null;
          providerPromptCache: { share: number; cachedInputTokens: number; savedUsd: string };
        };
        return output(json, stats, () =>
          [
            `hits ${stats.hits} (exact ${stats.exactHits}, semantic ${stats.semanticHits}), misses ${stats.misses} (hit rate ${pct(stats.hitRate)}), ${stats.bypass} not cacheable; saved $${stats.savedUsd}${stats.markedWrong === null ? '' : `; ${stats.markedWrong} answers marked wrong`}`,
            `provider prompt cache: ${stats.providerPromptCache.cachedInputTokens} cached input tokens (${pct(stats.providerPromptCache.share)} of input), saved $${stats.providerPromptCache.savedUsd}`,
          ].join('\n'),
        );
      }
      case 'warm': {
        if ((values.strategy ?? 'frequency') !== 'frequency') throw new CliError(`unknown strategy '${String(values.strategy)}' (only 'frequency')\nusage: ${USAGE}`, 2);
        const body = {
          strategy: 'frequency',
          ...(values.top ? { top: positiveNumber(values.top, '--top') } : {}),
          ...(values['min-count'] ? { minCount: positiveNumber(values['min-count'], '--min-count') } : {}),
          ...(values.days ? { days: positiveNumber(values.days, '--days') } : {}),
        };
        const result = (await adminRequest('/api/cache/warm', { url, method: 'POST', body })) as { warmed: number; data: Array<{ prompt: string; count: number; status: number; cache: string | null }> };
        return output(json, result, () =>
          [`warmed ${result.warmed} of ${result.data.length} prompts`, ...result.data.map((r) => `  ${String(r.count).padStart(5)}×  ${r.status} ${r.cache ?? ''}  ${r.prompt.slice(0, 80)}`)].join('\n'),
        );
      }
      case 'purge': {
        const only = values.only;
        if (only !== undefined && only !== 'exact' && only !== 'semantic') throw new CliError(`--only: '${String(only)}' is not exact or semantic\nusage: ${USAGE}`, 2);
        const query = new URLSearchParams();
        if (typeof values.namespace === 'string' && values.namespace) query.set('namespace', values.namespace);
        if (typeof values.model === 'string' && values.model) query.set('model', values.model);
        const suffix = query.size > 0 ? `?${query}` : '';
        // Semantic first: a purged exact entry would otherwise still be served by its semantic copy in between.
        const semantic = only === 'exact' ? undefined : ((await adminRequest(`/api/cache/semantic${suffix}`, { url, method: 'DELETE' })) as { evicted: number }).evicted;
        const exact = only === 'semantic' ? undefined : ((await adminRequest(`/api/cache/exact${suffix}`, { url, method: 'DELETE' })) as { purged: number }).purged;
        const result = { exact: exact ?? null, semantic: semantic ?? null };
        return output(json, result, () => `purged ${[exact === undefined ? '' : `${exact} exact`, semantic === undefined ? '' : `${semantic} semantic`].filter(Boolean).join(' and ')} cache entries`);
      }
      case 'analyze': {
        const ttlsMs = list(values.ttl, '5m,1h,1d').map(parseDuration);
        const thresholds = list(values.threshold, '0.85,0.9,0.95').map((t) => {
          const v = Number(t);
          if (!(v > 0 && v <= 1)) throw new CliError(`--threshold: '${t}' is not in (0, 1]`, 2);
          return v;
        });
        const storage = await openCliStorage();
        try {
          const rows = await storage.ledger.list(from ? { fromMs: parseTimeFlag(from, '--from') } : {}, 1_000_000);
          const report = await analyseCacheHistory(rows, { ttlsMs, thresholds, embedder: createHashedEmbedder() });
          return output(json, report, () => formatWhatIf(report));
        } finally {
          await storage.close();
        }
      }
      default:
        throw new CliError(`usage: ${USAGE}`, 2);
    }
  },
});

export function formatWhatIf(report: WhatIfReport): string {
  const lines = [`${report.analysed} successful requests replayed (${report.withPrompt} with a stored prompt), spend $${formatUsd(report.spendNanoUsd)}`, 'cache      ttl      threshold  hits     hit rate  saved'];
  for (const s of report.scenarios) {
    lines.push(`${s.kind.padEnd(10)} ${formatDuration(s.ttlMs).padEnd(8)} ${(s.threshold?.toFixed(2) ?? '-').padEnd(10)} ${String(s.hits).padEnd(8)} ${pct(s.hitRate).padEnd(9)} $${formatUsd(s.savedNanoUsd)} (${pct(s.savedShare)})`);
  }
  return lines.join('\n');
}

function list(value: unknown, fallback: string): string[] {
  return (typeof value === 'string' ? value : fallback).split(',').map((s) => s.trim()).filter(Boolean);
}

function positiveNumber(value: unknown, flag: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new CliError(`${flag}: '${String(value)}' is not a positive number`, 2);
  return n;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text);
  if (!match) throw new CliError(`--ttl: '${text}' is not a duration like 30s, 5m, 1h or 7d`, 2);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNITS[unit] as number;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
