import { field, isPlainObject, parseBoolean, parseCount, parseText, parseTime, parseUsd } from './field-values.ts';
import type { JsonFormat } from './format.ts';
import { blankRow, ImportFormatError, RowError, type ImportRow } from './import-row.ts';

/**
 * OpenAI's organisation Usage API (`/v1/organization/usage/completions`, and `embeddings` etc. with
 * the same token fields) and Costs API (`/v1/organization/costs`): pages of buckets
 * `{start_time, end_time, results: [...]}` in Unix seconds. A usage result becomes one row of
 * `num_model_requests` requests; a costs result one cost line (0 requests, its exact amount, model
 * from its `line_item` such as "gpt-4o-2024-08-06, input"). Unknown fields (newer token splits) are
 * ignored. The natural key is the bucket's start and end with every group-by value, so re-importing
 * an export, or an overlapping one with the same grouping, adds nothing.
 */
export const openAiUsageJson: JsonFormat = {
  container: 'json',
  rows(record, line, first) {
    if (!isPlainObject(record) || !Array.isArray(field(record, 'results')) || field(record, 'start_time') === undefined) {
      const message = 'expected an OpenAI usage bucket {start_time, end_time, results: [...]} (a page of the Usage or Costs API)';
      if (first) throw new ImportFormatError(line, `${message}; is --format right?`);
      throw new RowError(message);
    }
    const start = parseTime(field(record, 'start_time'), 'start_time');
    const end = field(record, 'end_time');
    const results = field(record, 'results') as unknown[];
    return results.map((result, index) => usageResult(result, line, start, end, index));
  },
};

function usageResult(result: unknown, line: number, start: number, end: unknown, index: number): ImportRow {
  if (!isPlainObject(result)) throw new RowError(`results[${index}]: expected an object`);
  const group = ['project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier', 'line_item'].map((name) => String(field(result, name) ?? ''));
  const kind = String(field(result, 'object') ?? '');
  const row = blankRow(line, [start, String(end ?? ''), kind, ...group].join('\u0001'));
  row.timeMs = start;
  row.provider = 'openai';
  row.projectId = parseText(field(result, 'project_id'), 'project_id');
  row.userId = parseText(field(result, 'user_id'), 'user_id');
  row.keyId = parseText(field(result, 'api_key_id'), 'api_key_id');
  row.batch = parseBoolean(field(result, 'batch'));
  const amount = field(result, 'amount');
  if (isPlainObject(amount)) {
    const currency = String(field(amount, 'currency') ?? 'usd').toLowerCase();
    if (currency !== 'usd') throw new RowError(`results[${index}]: currency ${currency} is not usd`);
    const lineItem = parseText(field(result, 'line_item'), 'line_item');
    row.model = lineItem ? lineItem.split(',')[0]!.trim() : 'openai-costs';
    if (lineItem) row.tags = [`line-item:${lineItem}`];
    row.costNanoUsd = parseUsd(field(amount, 'value'), `results[${index}].amount.value`) ?? 0;
    row.requests = 0;
    return row;
  }
  row.model = parseText(field(result, 'model'), 'model') ?? 'openai-unknown';
  row.requests = parseCount(field(result, 'num_model_requests'), 'num_model_requests');
  row.inputTokens = parseCount(field(result, 'input_tokens'), 'input_tokens');
  row.cacheReadTokens = parseCount(field(result, 'input_cached_tokens'), 'input_cached_tokens');
  row.outputTokens = parseCount(field(result, 'output_tokens'), 'output_tokens');
  const inputAudio = parseCount(field(result, 'input_audio_tokens'), 'input_audio_tokens');
  const outputAudio = parseCount(field(result, 'output_audio_tokens'), 'output_audio_tokens');
  if (inputAudio) row.units.input_audio_tokens = inputAudio;
  if (outputAudio) row.units.output_audio_tokens = outputAudio;
  if (kind.includes('embeddings')) row.operation = 'embedding';
  return row;
}
