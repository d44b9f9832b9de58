import type { LedgerRecord } from '../../ledger/record.ts';
import type { PriceBook } from '../../pricing/price-book.ts';
import type { ColumnMap } from './column-map.ts';
import { createCsvRecords } from './csv-records.ts';
import { importFormat, type ImportFormatId } from './formats.ts';
import type { CsvFormat, JsonFormat } from './format.ts';
import { ImportFormatError, RowError, type ImportRow } from './import-row.ts';
import { createJsonRecords } from './json-records.ts';
import { createLineSplitter } from './line-splitter.ts';
import { toLedgerRecord, type ImportDefaults } from './to-ledger-record.ts';
import { validateImportRow } from './validate-row.ts';

export interface BadRow {
  line: number;
  reason: string;
}

export interface ImportProgress {
  /** Rows read so far (good and bad). */
  rows: number;
  bad: number;
}

export interface ImportOptions {
  format: ImportFormatId;
  columnMap: ColumnMap;
  defaults: ImportDefaults;
  priceBook: PriceBook;
  /** Writes one batch atomically and idempotently (`LedgerStore.append`); not called on a dry run. */
  write(records: LedgerRecord[]): Promise<void>;
  dryRun?: boolean;
  /** Rows per write (default 5,000): one transaction each, so a crash leaves whole batches only. */
  batchSize?: number;
  /** Longest record accepted (default 1 MiB of text); a longer line is a bad row, not an out-of-memory. */
  maxRecordChars?: number;
  onBadRow?(bad: BadRow): void;
  onProgress?(progress: ImportProgress): void;
}

export interface ImportSummary {
  format: ImportFormatId;
  origin: string;
  dryRun: boolean;
  /** Rows read from the file (records expanded into their rows, plus bad records). */
  rowsRead: number;
  /** Rows handed to the store (new or already there: ids are idempotent). */
  rowsImported: number;
  badRows: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the rows' costs, exported or priced. */
  costNanoUsd: number;
  /** Rows with no cost in the export and no price in the price book (kept, flagged unpriced). */
  unpricedRows: number;
  fromMs: number | null;
  toMs: number | null;
  /** Distinct models, up to 50. */
  models: string[];
}

const DEFAULT_BATCH = 5_000;
const DEFAULT_MAX_RECORD = 1 << 20;
const SNIFF_BYTES = 64 * 1024;

/**
 * Streams an export into the ledger: bytes → text → records (CSV or JSON) → rows (the format's
 * parser) → validated → priced ledger records → batched writes. Nothing is held but the current
 * record and one batch. A bad row is reported (line and reason) and skipped; a file that is not
 * the format (binary, empty, wrong columns, wrong first record) throws ImportFormatError before
 * anything is written from it. Pure apart from the `write` it is given.
 */
export async function importUsage(source: AsyncIterable<Uint8Array | string>, options: ImportOptions): Promise<ImportSummary> {
  const format = importFormat(options.format, options.columnMap);
  const origin = `import:${options.format}`;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD;
  const summary: ImportSummary = {
    format: options.format, origin, dryRun: options.dryRun === true, rowsRead: 0, rowsImported: 0, badRows: 0, requests: 0, inputTokens: 0,
    outputTokens: 0, costNanoUsd: 0, unpricedRows: 0, fromMs: null, toMs: null, models: [],
  };
  const models = new Set<string>();
  let batch: LedgerRecord[] = [];
  /** Writes full batches (all that is left with `all`): one chunk of text may hold thousands of rows. */
  const flush = async (all: boolean) => {
    while (batch.length >= batchSize || (all && batch.length)) {
      const records = batch.length > batchSize ? batch.splice(0, batchSize) : batch;
      if (records === batch) batch = [];
      if (!options.dryRun) await options.write(records);
      summary.rowsImported += records.length;
    }
  };
  const bad = (line: number, reason: string) => {
    summary.rowsRead += 1;
    summary.badRows += 1;
    options.onBadRow?.({ line, reason });
  };
  const accept = (row: ImportRow) => {
    summary.rowsRead += 1;
    const problem = validateImportRow(row, options.defaults.model);
    if (problem) {
      summary.badRows += 1;
      options.onBadRow?.({ line: row.line, reason: problem });
      return;
    }
    const record = toLedgerRecord(row, options.format, options.defaults, options.priceBook);
    batch.push(record);
    summary.requests += record.requests ?? 1;
    summary.inputTokens += record.inputTokens;
    summary.outputTokens += record.outputTokens;
    summary.costNanoUsd += record.costNanoUsd;
    if (!record.priced) summary.unpricedRows += 1;
    if (summary.fromMs === null || record.timeMs < summary.fromMs) summary.fromMs = record.timeMs;
    if (summary.toMs === null || record.timeMs > summary.toMs) summary.toMs = record.timeMs;
    if (models.size < 50) models.add(record.servedModel ?? record.requestedModel);
  };

  const reader = format.container === 'csv' ? csvReader(format, maxRecordChars, accept, bad) : jsonReader(format, maxRecordChars, accept, bad);
  const decoder = new TextDecoder('utf-8');
  let sniffed = 0;
  let sawText = false;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? undefined : chunk;
    if (bytes && sniffed < SNIFF_BYTES) {
      // A NUL in the first 64 KB: a binary file (a spreadsheet, an archive), not text to guess at.
      const head = bytes.subarray(0, SNIFF_BYTES - sniffed);
      if (head.includes(0)) throw new ImportFormatError(1, 'binary data (a NUL byte) where a text export was expected; gzip files are read, other archives and spreadsheets are not');
      sniffed += head.length;
    }
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (!sawText && text.trim() !== '') sawText = true;
    reader.push(text);
    await flush(false);
    options.onProgress?.({ rows: summary.rowsRead, bad: summary.badRows });
  }
  const rest = decoder.decode();
  if (rest) reader.push(rest);
  if (!sawText && rest.trim() === '') throw new ImportFormatError(1, 'the file is empty');
  reader.end();
  await flush(true);
  options.onProgress?.({ rows: summary.rowsRead, bad: summary.badRows });
  summary.models = [...models].sort();
  return summary;
}

interface Reader {
  push(text: string): void;
  end(): void;
}

function csvReader(format: CsvFormat, maxRecordChars: number, accept: (row: ImportRow) => void, bad: (line: number, reason: string) => void): Reader {
  const lines = createLineSplitter(maxRecordChars);
  let delimiter: string | undefined;
  let records: ReturnType<typeof createCsvRecords> | undefined;
  let convert: ((values: readonly string[], line: number) => ImportRow[]) | undefined;
  const onLine = (line: ReturnType<typeof lines.push>[number]) => {
    if (!records) {
      if (line.tooLong) throw new ImportFormatError(line.line, `the header line is longer than ${maxRecordChars} characters (not a CSV export?)`);
      if (line.text.trim() === '') return;
      // Tab-separated when the header has tabs and no commas.
      delimiter = line.text.includes('\t') && !line.text.includes(',') ? '\t' : ',';
      records = createCsvRecords(maxRecordChars, delimiter);
    }
    for (const record of records.push(line)) onRecord(record);
  };
  const onRecord = (record: ReturnType<NonNullable<typeof records>['push']>[number]) => {
    if (record.error !== undefined) {
      if (!convert) throw new ImportFormatError(record.line, `the header cannot be read: ${record.error}`);
      bad(record.line, record.error);
      return;
    }
    if (!convert) {
      convert = format.header(record.values, record.line);
      return;
    }
    let rows: ImportRow[];
    try {
      rows = convert(record.values, record.line);
    } catch (error) {
      if (error instanceof RowError) return bad(record.line, error.message);
      throw error;
    }
    for (const row of rows) accept(row);
  };
  return {
    push(text) {
      for (const line of lines.push(text)) onLine(line);
    },
    end() {
      for (const line of lines.end()) onLine(line);
      for (const record of records?.end() ?? []) onRecord(record);
      if (!convert) throw new ImportFormatError(1, 'no header line: the file has no CSV content');
    },
  };
}

function jsonReader(format: JsonFormat, maxRecordChars: number, accept: (row: ImportRow) => void, bad: (line: number, reason: string) => void): Reader {
  const records = createJsonRecords(maxRecordChars);
  let first = true;
  const onRecords = (batch: ReturnType<typeof records.push>) => {
    for (const record of batch) {
      if (record.error !== undefined) {
        // The very first record unreadable: this is not the format asked for.
        if (first) throw new ImportFormatError(record.line, `${record.error}; is --format right?`);
        bad(record.line, record.error);
        continue;
      }
      let rows: ImportRow[];
      try {
        rows = format.rows(record.value, record.line, first);
      } catch (error) {
        if (error instanceof RowError) {
          first = false;
          bad(record.line, error.message);
          continue;
        }
        throw error;
      }
      first = false;
      for (const row of rows) accept(row);
    }
  };
  return {
    push: (text) => onRecords(records.push(text)),
    end: () => {
      onRecords(records.end());
      if (first) throw new ImportFormatError(1, 'no records: the file holds no JSON objects');
    },
  };
}
