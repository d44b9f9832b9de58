import { createUsage, type Usage } from '../../domain/usage.ts';
import { asRecord, readCount } from '../read-fields.ts';

/**
 * Anthropic Messages usage to `Usage`. Anthropic's `input_tokens` EXCLUDES cache reads and cache
 * writes, so the total input is the sum of the three. `cache_creation.ephemeral_1h_input_tokens`
 * is the 1-hour-TTL part of the cache writes (priced higher).
 */
export function convertAnthropicUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (!usage) return undefined;
  const uncached = readCount(usage, 'input_tokens');
  const output = readCount(usage, 'output_tokens');
  if (uncached === undefined && output === undefined) return undefined;
  const cacheRead = readCount(usage, 'cache_read_input_tokens') ?? 0;
  const cacheWrite = readCount(usage, 'cache_creation_input_tokens') ?? 0;
  const units: Record<string, number> = {};
  const webSearches = readCount(usage, 'server_tool_use', 'web_search_requests');
  if (webSearches) units.web_searches = webSearches;
  return createUsage({
    inputTotal: (uncached ?? 0) + cacheRead + cacheWrite,
    cacheRead,
    cacheWrite,
    cacheWrite1h: readCount(usage, 'cache_creation', 'ephemeral_1h_input_tokens'),
    outputTotal: output ?? 0,
    reasoning: readCount(usage, 'output_tokens_details', 'thinking_tokens'),
    units,
  });
}
