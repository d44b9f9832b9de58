import { field, isPlainObject, parseCount, parseText, parseTime, parseUsd } from './field-values.ts';
import { columnIndex, type CsvFormat, type JsonFormat } from './format.ts';
import { blankRow, ImportFormatError, RowError, type ImportRow } from './import-row.ts';

/** Columns a spend-log export must have to be read as one. */
const REQUIRED = ['request_id', 'startTime', 'model'] as const;

/**
 * LiteLLM's `LiteLLM_SpendLogs` rows (one per request), exported as JSON (array or lines) or CSV.
 * `spend` is LiteLLM's own cost in USD and is kept exactly as written (its decimal text, not a
 * float sum); `request_id` is the natural key. Cache tokens come from `metadata.usage_object`
 * when the export has it. `status` 'failure' rows are kept as failed requests (status 500).
 */
function fromGetter(get: (name: string) => unknown, line: number): ImportRow {
  const id = parseText(get('request_id'), 'request_id', 512);
  if (!id) throw new RowError('request_id: missing');
  const row = blankRow(line, id);
  row.timeMs = parseTime(get('startTime'), 'startTime');
  const end = get('endTime');
  if (end !== undefined && end !== null && end !== '') {
    const endMs = parseTime(end, 'endTime');
    if (endMs >= row.timeMs) row.latencyMs = endMs - row.timeMs;
  }
  row.model = parseText(get('model'), 'model') ?? parseText(get('model_group'), 'model_group') ?? '';
  if (!row.model) throw new RowError('model: missing');
  row.provider = parseText(get('custom_llm_provider'), 'custom_llm_provider');
  row.keyId = parseText(get('api_key'), 'api_key', 512);
  row.userId = parseText(get('user'), 'user') ?? parseText(get('end_user'), 'end_user');
  row.projectId = parseText(get('team_id'), 'team_id');
  row.orgId = parseText(get('organization_id'), 'organization_id');
  row.inputTokens = parseCount(get('prompt_tokens'), 'prompt_tokens');
  row.outputTokens = parseCount(get('completion_tokens'), 'completion_tokens');
  row.costNanoUsd = parseUsd(get('spend'), 'spend');
  const metadata = jsonObject(get('metadata'));
  const usage = field(metadata, 'usage_object');
  row.cacheReadTokens = Math.min(row.inputTokens, parseCount(field(field(usage, 'prompt_tokens_details'), 'cached_tokens') ?? field(usage, 'cache_read_input_tokens'), 'cached_tokens'));
  row.reasoningTokens = Math.min(row.outputTokens, parseCount(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens'), 'reasoning_tokens'));
  const tags = jsonValue(get('request_tags'));
  if (Array.isArray(tags)) row.tags = tags.filter((tag): tag is string => typeof tag === 'string' && tag.length <= 128).slice(0, 32);
  const status = get('status');
  if (typeof status === 'string' && status.toLowerCase() === 'failure') row.status = 500;
  const callType = String(get('call_type') ?? '');
  if (callType.includes('embedding')) row.operation = 'embedding';
  else if (callType.includes('anthropic') || callType === 'anthropic_messages') {
    row.operation = 'messages';
    row.wire = 'anthropic';
  }
  return row;
}

function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function jsonObject(value: unknown): unknown {
  const parsed = jsonValue(value);
  return isPlainObject(parsed) ? parsed : undefined;
}

export const liteLlmJson: JsonFormat = {
  container: 'json',
  rows(record, line, first) {
    if (!isPlainObject(record) || field(record, 'request_id') === undefined || field(record, 'startTime') === undefined) {
      const missing = isPlainObject(record) ? REQUIRED.filter((name) => field(record, name) === undefined) : REQUIRED;
      const message = `expected a LiteLLM_SpendLogs row; missing field(s) ${missing.join(', ')}`;
      if (first) throw new ImportFormatError(line, `${message}; is --format right?`);
      throw new RowError(message);
    }
    return [fromGetter((name) => field(record, name), line)];
  },
};

export const liteLlmCsv: CsvFormat = {
  container: 'csv',
  header(names, line) {
    const index = columnIndex(names);
    const missing = REQUIRED.filter((name) => !index.has(name));
    if (missing.length) throw new ImportFormatError(line, `not a LiteLLM_SpendLogs CSV: missing column(s) ${missing.join(', ')} (found: ${[...index.keys()].slice(0, 20).join(', ')})`);
    return (values, valueLine) => {
      if (values.length > names.length) throw new RowError(`${values.length} fields, the header has ${names.length}`);
      return [fromGetter((name) => {
        const at = index.get(name);
        return at === undefined ? undefined : values[at];
      }, valueLine)];
    };
  },
};
