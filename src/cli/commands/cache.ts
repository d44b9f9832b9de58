import { adminRequest } from '../admin-client.ts';
import { CliError, defineCommand } from '../command.ts';
import { output } from '../open-state.ts';

const USAGE = `tollgate cache stats [--from 2026-11-01] [--json]
Talks to a running gateway: --url (or TOLLGATE_URL) with TOLLGATE_ADMIN_KEY.`;

export default defineCommand({
  name: 'cache',
  description: 'Response cache statistics: hit rate, dollars saved, provider prompt-cache share.',
  usage: USAGE,
  options: { url: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }) {
    if ((positionals[0] ?? 'stats') !== 'stats') throw new CliError(`usage: ${USAGE}`, 2);
    const query = typeof values.from === 'string' ? `?from=${encodeURIComponent(values.from)}` : '';
    const stats = (await adminRequest(`/api/cache/stats${query}`, { url: typeof values.url === 'string' ? values.url : undefined })) as {
      hits: number;
      misses: number;
      bypass: number;
      hitRate: number;
      savedUsd: string;
      providerPromptCache: { share: number; cachedInputTokens: number };
    };
    output(values.json === true, stats, () =>
      `hits ${stats.hits}, misses ${stats.misses} (hit rate ${(stats.hitRate * 100).toFixed(1)}%), ${stats.bypass} not cacheable; saved $${stats.savedUsd}\n` +
        `provider prompt cache: ${stats.providerPromptCache.cachedInputTokens} cached input tokens (${(stats.providerPromptCache.share * 100).toFixed(1)}% of input)`,
    );
  },
});
