import type { Line } from './line-splitter.ts';

export type CsvRecord = { line: number; values: string[]; error?: undefined } | { line: number; values?: undefined; error: string };

/** Lines a quoted field may span before its opening quote is taken for a stray one. */
const MAX_RECORD_LINES = 1000;

/**
 * Turns lines into CSV records (RFC 4180: quoted fields, doubled quotes, newlines inside quotes).
 * A quote that does not close within `maxRecordChars` or 1,000 lines is a broken record: its first
 * line is reported and the lines after it are read again as records of their own, so one stray
 * quote costs one row, not the rest of the file. Blank lines are skipped. The fast path (no quote
 * on the line) is a plain split, which is what large machine-written exports are.
 */
export function createCsvRecords(maxRecordChars: number, delimiter = ','): { push(line: Line): CsvRecord[]; end(): CsvRecord[] } {
  let open: { line: number; lines: Line[]; quotes: number; chars: number } | undefined;

  const abandon = (reason: string): CsvRecord[] => {
    const record = open!;
    open = undefined;
    const out: CsvRecord[] = [{ line: record.line, error: reason }];
    for (const line of record.lines.slice(1)) out.push(...push(line));
    return out;
  };

  const push = (line: Line): CsvRecord[] => {
    if (line.tooLong) {
      if (open) return [...abandon(`unclosed quote: record runs into a line longer than ${maxRecordChars} characters`), ...push(line)];
      return [{ line: line.line, error: `record longer than ${maxRecordChars} characters` }];
    }
    if (open) {
      open.lines.push(line);
      open.quotes += countQuotes(line.text);
      open.chars += line.text.length + 1;
      if (open.quotes % 2 === 0) {
        const record = open;
        open = undefined;
        return [parseRecord(record.line, record.lines.map((part) => part.text).join('\n'), delimiter)];
      }
      if (open.chars > maxRecordChars || open.lines.length > MAX_RECORD_LINES) return abandon('unclosed quote');
      return [];
    }
    const quotes = line.text.indexOf('"') < 0 ? 0 : countQuotes(line.text);
    if (quotes === 0) return line.text === '' ? [] : [{ line: line.line, values: line.text.split(delimiter) }];
    if (quotes % 2 === 1) {
      open = { line: line.line, lines: [line], quotes, chars: line.text.length };
      return [];
    }
    return [parseRecord(line.line, line.text, delimiter)];
  };

  return {
    push,
    end() {
      const out: CsvRecord[] = [];
      while (open) out.push(...abandon('unclosed quote at the end of the file'));
      return out;
    },
  };
}

function countQuotes(text: string): number {
  let count = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) count += 1;
  return count;
}

function parseRecord(line: number, text: string, delimiter: string): CsvRecord {
  const values: string[] = [];
  let at = 0;
  while (true) {
    if (text[at] === '"') {
      let value = '';
      at += 1;
      while (true) {
        const quote = text.indexOf('"', at);
        if (quote < 0) return { line, error: 'unclosed quote' };
        value += text.slice(at, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          at = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      values.push(value);
      if (at === text.length) return { line, values };
      if (text[at] !== delimiter) return { line, error: `unexpected text after a closing quote at column ${at + 1}` };
      at += 1;
    } else {
      const next = text.indexOf(delimiter, at);
      if (next < 0) {
        values.push(text.slice(at));
        return { line, values };
      }
      values.push(text.slice(at, next));
      at = next + 1;
    }
  }
}
