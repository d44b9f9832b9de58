import { describe, expect, it } from 'vitest';
import { createCsvRecords } from './csv-records.ts';
import { createJsonRecords } from './json-records.ts';
import { createLineSplitter } from './line-splitter.ts';

/** Feeds `text` in chunks of every size from 1 up, so record boundaries fall everywhere. */
function inChunks<T>(text: string, size: number, reader: { push(chunk: string): T[]; end(): T[] }): T[] {
  const out: T[] = [];
  for (let at = 0; at < text.length; at += size) out.push(...reader.push(text.slice(at, at + size)));
  out.push(...reader.end());
  return out;
}

function csv(text: string, size: number, max = 1000) {
  const lines = createLineSplitter(max);
  const records = createCsvRecords(max);
  return inChunks(text, size, {
    push: (chunk) => lines.push(chunk).flatMap((line) => records.push(line)),
    end: () => [...lines.end().flatMap((line) => records.push(line)), ...records.end()],
  });
}

describe('CSV records', () => {
  const text = 'a,b,c\r\n1,"x, y",3\n\n2,"multi\nline ""quoted""",4\n5,6,';
  it.each([1, 2, 3, 7, 1000])('reads quotes, CRLF, blank and multi-line records whatever the chunk size (%i)', (size) => {
    expect(csv(text, size)).toEqual([
      { line: 1, values: ['a', 'b', 'c'] },
      { line: 2, values: ['1', 'x, y', '3'] },
      { line: 4, values: ['2', 'multi\nline "quoted"', '4'] },
      { line: 6, values: ['5', '6', ''] },
    ]);
  });

  it('reports an over-long line by its number and goes on with the next', () => {
    const long = `h\nok\n${'x'.repeat(5000)}\nnext\n`;
    expect(csv(long, 64, 100)).toEqual([
      { line: 1, values: ['h'] },
      { line: 2, values: ['ok'] },
      { line: 3, error: 'record longer than 100 characters' },
      { line: 4, values: ['next'] },
    ]);
  });

  it('reports a quote that never closes', () => {
    expect(csv('h\n"open,1\n2\n', 4)).toEqual([{ line: 1, values: ['h'] }, { line: 2, error: 'unclosed quote at the end of the file' }, { line: 3, values: ['2'] }]);
    // A stray quote costs its own line only: the lines after it are read again.
    const stray = `h\n"stray,1\n${Array.from({ length: 1500 }, (_, i) => `${i},x`).join('\n')}\n`;
    const records = csv(stray, 100);
    expect(records[1]).toEqual({ line: 2, error: 'unclosed quote' });
    expect(records.slice(2)).toEqual(Array.from({ length: 1500 }, (_, i) => ({ line: i + 3, values: [String(i), 'x'] })));
    expect(csv('h\n"a"b,1\n', 4)).toEqual([{ line: 1, values: ['h'] }, { line: 2, error: 'unexpected text after a closing quote at column 4' }]);
  });
});

describe('JSON records', () => {
  const page = JSON.stringify({ object: 'page', data: [{ a: 1 }, { b: '}]"\\' }, { c: [1, { d: 2 }] }], has_more: false }, null, 2);
  it.each([1, 3, 5, 1000])('streams the elements of a page\'s data array (chunk size %i)', (size) => {
    const records = inChunks(page, size, createJsonRecords(1000));
    expect(records.map((record) => record.value)).toEqual([{ a: 1 }, { b: '}]"\\' }, { c: [1, { d: 2 }] }]);
    expect(records.map((record) => record.line)).toEqual([4, 7, 10]);
  });

  it.each([1, 4, 1000])('reads a top-level array and JSON Lines (chunk size %i)', (size) => {
    expect(inChunks('[\n {"x": 1},\n {"x": 2}\n]\n', size, createJsonRecords(1000)).map((record) => record.value)).toEqual([{ x: 1 }, { x: 2 }]);
    const lines = inChunks('{"x": 1}\n{"x": \n{"x": 3}\n{"data": [{"y": 1}, {"y": 2}]}\n', size, createJsonRecords(1000));
    expect(lines).toEqual([
      { line: 1, value: { x: 1 } },
      { line: 2, error: expect.stringContaining('invalid JSON') },
      { line: 3, value: { x: 3 } },
      { line: 4, value: { y: 1 } },
      { line: 4, value: { y: 2 } },
    ]);
  });

  it('reports what is not JSON, a truncated document and an oversized element', () => {
    expect(inChunks('a,b,c\n1,2,3\n', 4, createJsonRecords(1000))).toEqual([{ line: 1, error: "not JSON: unexpected 'a' at the top level" }]);
    expect(inChunks('[\n{"x": 1},\n{"x": ', 3, createJsonRecords(1000))).toEqual([{ line: 2, value: { x: 1 } }, { line: 3, error: 'the JSON document ends early (truncated file?)' }]);
    const big = `[\n{"x": "${'y'.repeat(500)}"},\n{"x": 2}\n]`;
    expect(inChunks(big, 50, createJsonRecords(100))).toEqual([{ line: 2, error: 'record longer than 100 characters' }, { line: 3, value: { x: 2 } }]);
  });

  it('keeps __proto__ as a plain field', () => {
    const [record] = inChunks('{"__proto__": {"polluted": true}, "x": 1}\n', 1000, createJsonRecords(1000));
    expect(Object.hasOwn(record!.value as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
