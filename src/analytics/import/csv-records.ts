import type { Line } from './line-splitter.ts';

export type CsvRecord = { line: number; values: string[]; error?: undefined } | { line: number; values?: undefined; error: string };

/**
 * Turns lines into CSV records (RFC 4180: quoted fields, doubled quotes, newlines inside quotes).
 * A record whose quotes do not close within `maxRecordChars` is reported as broken; blank lines
 * are skipped. The fast path (no quote on the line) is a plain split, which is what large
 * machine-written exports are.
 */
export function createCsvRecords(maxRecordChars: number, delimiter = ','): { push(line: Line): CsvRecord[]; end(): CsvRecord[] } {
  let open: { line: number; text: string } | undefined;
  return {
    push(line) {
      if (line.tooLong) {
        const start = open?.line ?? line.line;
        open = undefined;
        return [{ line: start, error: `record longer than ${maxRecordChars} characters` }];
      }
      if (open) {
        open.text += `\n${line.text}`;
        if (open.text.length > maxRecordChars) {
          const start = open.line;
          open = undefined;
          return [{ line: start, error: `unclosed quote: record runs past ${maxRecordChars} characters` }];
        }
        if (quotesBalanced(open.text)) {
          const record = open;
          open = undefined;
          return [parseRecord(record.line, record.text, delimiter)];
        }
        return [];
      }
      if (line.text.indexOf('"') < 0) return line.text === '' ? [] : [{ line: line.line, values: line.text.split(delimiter) }];
      if (!quotesBalanced(line.text)) {
        open = { line: line.line, text: line.text };
        return [];
      }
      return [parseRecord(line.line, line.text, delimiter)];
    },
    end() {
      if (!open) return [];
      const start = open.line;
      open = undefined;
      return [{ line: start, error: 'unclosed quote at the end of the file' }];
    },
  };
}

function quotesBalanced(text: string): boolean {
  let count = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) count += 1;
  return count % 2 === 0;
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
