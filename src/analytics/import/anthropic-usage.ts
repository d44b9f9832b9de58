import { field, isPlainObject, parseCount, parseText, parseTime } from './field-values.ts';
import type { JsonFormat } from './format.ts';
import { blankRow, ImportFormatError, RowError, type ImportRow } from './import-row.ts';

/**
 * Anthropic's usage report (`/v1/organizations/usage_report/messages`): pages of buckets
 * `{starting_at, ending_at, results: [...]}` (RFC 3339). Anthropic counts `uncached_input_tokens`
 * apart from cache reads and writes; the ledger's `inputTokens` includes them, so they are added.
 * Results carry no request count: each result is one row standing for its token totals, counted as
 * 0 requests rather than inventing a number. The natural key is the bucket with every group-by value.
 */
export const anthropicUsageJson: JsonFormat = {
  container: 'json',
  rows(record, line, first) {
    if (!isPlainObject(record) || !Array.isArray(field(record, 'results')) || field(record, 'starting_at') === undefined) {
      const message = 'expected an Anthropic usage bucket {starting_at, ending_at, results: [...]} (a page of the usage report)';
      if (first) throw new ImportFormatError(line, `${message}; is --format right?`);
      throw new RowError(message);
    }
    const start = parseTime(field(record, 'starting_at'), 'starting_at');
    const end = String(field(record, 'ending_at') ?? '');
    return (field(record, 'results') as unknown[]).map((result, index) => usageResult(result, line, start, end, index));
  },
};

function usageResult(result: unknown, line: number, start: number, end: string, index: number): ImportRow {
  if (!isPlainObject(result)) throw new RowError(`results[${index}]: expected an object`);
  const group = ['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window'].map((name) => String(field(result, name) ?? ''));
  const row = blankRow(line, [start, end, ...group].join('\u0001'));
  row.timeMs = start;
  row.provider = 'anthropic';
  row.wire = 'anthropic';
  row.operation = 'messages';
  row.model = parseText(field(result, 'model'), 'model') ?? 'anthropic-unknown';
  row.keyId = parseText(field(result, 'api_key_id'), 'api_key_id');
  row.projectId = parseText(field(result, 'workspace_id'), 'workspace_id');
  row.batch = field(result, 'service_tier') === 'batch';
  const uncached = parseCount(field(result, 'uncached_input_tokens'), 'uncached_input_tokens');
  const cacheRead = parseCount(field(result, 'cache_read_input_tokens'), 'cache_read_input_tokens');
  const creation = field(result, 'cache_creation');
  const write5m = parseCount(field(creation, 'ephemeral_5m_input_tokens'), 'cache_creation.ephemeral_5m_input_tokens');
  const write1h = parseCount(field(creation, 'ephemeral_1h_input_tokens'), 'cache_creation.ephemeral_1h_input_tokens');
  row.cacheReadTokens = cacheRead;
  row.cacheWriteTokens = write5m + write1h;
  row.cacheWrite1hTokens = write1h;
  row.inputTokens = uncached + cacheRead + write5m + write1h;
  row.outputTokens = parseCount(field(result, 'output_tokens'), 'output_tokens');
  const searches = parseCount(field(field(result, 'server_tool_use'), 'web_search_requests'), 'server_tool_use.web_search_requests');
  if (searches) row.units.web_searches = searches;
  row.requests = 0;
  return row;
}
