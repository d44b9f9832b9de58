import type { ImportRow } from './import-row.ts';

/** A format read from JSON records (one API result bucket, one spend-log row, one JSON Lines object). */
export interface JsonFormat {
  container: 'json';
  /** The rows of one record; throws RowError for a bad record, ImportFormatError when the first record shows the wrong format. */
  rows(record: unknown, line: number, first: boolean): ImportRow[];
}

/** A format read from CSV: the header gives a converter for the records after it. */
export interface CsvFormat {
  container: 'csv';
  /** Throws ImportFormatError naming missing (or unknown mapped) columns. */
  header(names: readonly string[], line: number): (values: readonly string[], line: number) => ImportRow[];
}

export type ImportFormat = JsonFormat | CsvFormat;

/** Column name → index; built with a Map so `__proto__` or `constructor` columns are plain names. */
export function columnIndex(names: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  names.forEach((name, at) => {
    const key = name.trim().replace(/^\uFEFF/, '');
    if (!index.has(key)) index.set(key, at);
  });
  return index;
}

/** First of `candidates` present in the header. */
export function pickColumn(index: ReadonlyMap<string, number>, candidates: readonly string[]): number | undefined {
  for (const name of candidates) {
    const at = index.get(name);
    if (at !== undefined) return at;
  }
  return undefined;
}
