import { anthropicUsageJson } from './anthropic-usage.ts';
import type { ColumnMap } from './column-map.ts';
import type { ImportFormat } from './format.ts';
import { liteLlmCsv, liteLlmJson } from './litellm-spend-logs.ts';
import { mappedCsv, mappedJsonLines } from './mapped-rows.ts';
import { openAiCostsCsv } from './openai-costs-csv.ts';
import { openAiUsageJson } from './openai-usage.ts';

export const IMPORT_FORMATS = ['openai-usage-json', 'openai-costs-csv', 'anthropic-usage-json', 'litellm-json', 'litellm-csv', 'csv', 'jsonl'] as const;
export type ImportFormatId = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(value: string): value is ImportFormatId {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/** The parser of a format; `csv` and `jsonl` take the column map (the others ignore it). */
export function importFormat(id: ImportFormatId, columnMap: ColumnMap): ImportFormat {
  switch (id) {
    case 'openai-usage-json':
      return openAiUsageJson;
    case 'openai-costs-csv':
      return openAiCostsCsv;
    case 'anthropic-usage-json':
      return anthropicUsageJson;
    case 'litellm-json':
      return liteLlmJson;
    case 'litellm-csv':
      return liteLlmCsv;
    case 'csv':
      return mappedCsv(columnMap);
    case 'jsonl':
      return mappedJsonLines(columnMap);
  }
}
