import { parseText, parseTime, parseUsd } from './field-values.ts';
import { columnIndex, pickColumn, type CsvFormat } from './format.ts';
import { blankRow, ImportFormatError, RowError } from './import-row.ts';

const TIME = ['start_time', 'start_time_iso', 'date', 'timestamp'];
const AMOUNT = ['amount_value', 'amount', 'cost', 'cost_usd'];

/**
 * The OpenAI usage dashboard's "Cost" export as CSV (one line per day and line item, optionally per
 * project or key): `start_time` (Unix seconds, or `start_time_iso`), `amount_value` in USD,
 * `amount_currency`, `line_item` ("gpt-4o-2024-08-06, input"), `project_id`/`project_name`,
 * `api_key_id`. Each line is a cost line: 0 requests, its exact amount, the model read from the line
 * item. The natural key is the line's time, line item, project and key.
 */
export const openAiCostsCsv: CsvFormat = {
  container: 'csv',
  header(names, line) {
    const index = columnIndex(names);
    const time = pickColumn(index, TIME);
    const amount = pickColumn(index, AMOUNT);
    const missing = [time === undefined ? TIME.join(' or ') : '', amount === undefined ? AMOUNT.join(' or ') : ''].filter(Boolean);
    if (missing.length) {
      throw new ImportFormatError(line, `not an OpenAI costs CSV: missing column(s) ${missing.join('; ')} (found: ${[...index.keys()].slice(0, 20).join(', ')})`);
    }
    const at = (names: string[]) => pickColumn(index, names);
    const end = at(['end_time', 'end_time_iso']);
    const currency = at(['amount_currency', 'currency']);
    const lineItem = at(['line_item', 'line_item_name']);
    const project = at(['project_id', 'project_name']);
    const key = at(['api_key_id']);
    return (values, valueLine) => {
      if (values.length > names.length) throw new RowError(`${values.length} fields, the header has ${names.length}`);
      const get = (column: number | undefined) => (column === undefined ? undefined : values[column]);
      const code = String(get(currency) ?? 'usd').trim().toLowerCase();
      if (code && code !== 'usd') throw new RowError(`currency ${code} is not usd`);
      const item = parseText(get(lineItem), 'line_item');
      const row = blankRow(valueLine, [get(time), get(end), item, get(project), get(key)].map((value) => value ?? '').join('\u0001'));
      row.timeMs = parseTime(get(time), names[time!]!);
      row.costNanoUsd = parseUsd(get(amount), names[amount!]!) ?? 0;
      row.requests = 0;
      row.provider = 'openai';
      row.model = item ? item.split(',')[0]!.trim() : 'openai-costs';
      if (item) row.tags = [`line-item:${item}`];
      row.projectId = parseText(get(project), 'project_id');
      row.keyId = parseText(get(key), 'api_key_id');
      return [row];
    };
  },
};
