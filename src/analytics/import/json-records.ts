import { createLineSplitter } from './line-splitter.ts';

export type JsonRecord = { line: number; value: unknown; error?: undefined } | { line: number; value?: undefined; error: string };

export interface JsonRecordReader {
  push(chunk: string): JsonRecord[];
  end(): JsonRecord[];
}

/**
 * Reads records out of a JSON export without holding the whole file, in the shapes exports come in:
 * - JSON Lines (the first line is a whole JSON object): one record per line, so a broken line is
 *   one bad record and never swallows the lines after it;
 * - a JSON array (LiteLLM's spend logs): one record per element;
 * - an API page `{"data": [...], "has_more": ...}` (OpenAI and Anthropic usage): one record per
 *   element of `data`, streamed, the page's other fields ignored;
 * and on a JSON Lines line holding a page, the page's `data` elements. A record longer than
 * `maxRecordChars` is reported and skipped. Pure and incremental.
 */
export function createJsonRecords(maxRecordChars: number): JsonRecordReader {
  let head = '';
  let reader: JsonRecordReader | undefined;
  const choose = (text: string): JsonRecordReader => {
    const firstLine = text.trimStart().split('\n', 1)[0]!.trim();
    let lines = false;
    if (firstLine.startsWith('{')) {
      try {
        JSON.parse(firstLine);
        lines = true;
      } catch {
        // a pretty-printed document: its first line is not a whole value
      }
    }
    return lines ? jsonLines(maxRecordChars) : jsonDocument(maxRecordChars);
  };
  return {
    push(chunk) {
      if (reader) return reader.push(chunk);
      head += chunk;
      // Decide once the first non-blank line is complete (or too long to be a line of JSON Lines).
      const trimmed = head.trimStart();
      if (!trimmed.includes('\n') && head.length <= maxRecordChars) return [];
      reader = choose(head);
      const text = head;
      head = '';
      return reader.push(text);
    },
    end() {
      if (!reader) {
        reader = choose(head);
        const out = reader.push(head);
        head = '';
        return [...out, ...reader.end()];
      }
      return reader.end();
    },
  };
}

/** A page's `data` elements, or the value itself. */
function expand(line: number, value: unknown): JsonRecord[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, 'data')) {
    const data = (value as { data: unknown }).data;
    if (Array.isArray(data)) return data.map((element) => ({ line, value: element as unknown }));
  }
  if (Array.isArray(value)) return value.map((element) => ({ line, value: element as unknown }));
  return [{ line, value }];
}

function jsonLines(maxRecordChars: number): JsonRecordReader {
  const splitter = createLineSplitter(maxRecordChars);
  const convert = (lines: ReturnType<typeof splitter.push>): JsonRecord[] => {
    const out: JsonRecord[] = [];
    for (const line of lines) {
      if (line.tooLong) {
        out.push({ line: line.line, error: `line longer than ${maxRecordChars} characters` });
        continue;
      }
      if (line.text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch (error) {
        out.push({ line: line.line, error: `invalid JSON: ${(error as Error).message}` });
        continue;
      }
      out.push(...expand(line.line, value));
    }
    return out;
  };
  return { push: (chunk) => convert(splitter.push(chunk)), end: () => convert(splitter.end()) };
}

const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;

/**
 * A streaming scanner over one JSON document (or several in a row): it tracks strings and nesting,
 * and cuts out each element of a top-level array or of a top-level object's `data` array; a
 * top-level object without `data` is one record. Each cut-out element is parsed on its own.
 */
function jsonDocument(maxRecordChars: number): JsonRecordReader {
  let line = 1;
  let depth = 0;
  let inString = false;
  let escape = false;
  /** Depth at which elements are records: 1 in a top-level array, 2 in a top-level object's `data`. */
  let elementDepth = 0;
  /** Top-level object state: reading a key, the last key, whether `data` was streamed. */
  let topObject = false;
  let expectKey = false;
  let keyStart = -1;
  let keyText = '';
  let lastKey = '';
  let sawData = false;
  // The record being cut out: where it started and its text so far.
  let capturing = false;
  let captureLine = 0;
  let captureDepth = 0;
  let pieces: string[] = [];
  let captured = 0;
  let oversized = false;
  /** Set once the text is found not to be JSON: nothing after it is read. */
  let broken = false;

  const finish = (out: JsonRecord[]) => {
    capturing = false;
    if (oversized) {
      out.push({ line: captureLine, error: `record longer than ${maxRecordChars} characters` });
    } else {
      const text = pieces.join('');
      try {
        const value: unknown = JSON.parse(text);
        if (captureDepth === 0) {
          // A whole top-level object without a streamed `data` array.
          if (!sawData) out.push(...expand(captureLine, value));
        } else {
          out.push({ line: captureLine, value });
        }
      } catch (error) {
        out.push({ line: captureLine, error: `invalid JSON: ${(error as Error).message}` });
      }
    }
    pieces = [];
    captured = 0;
    oversized = false;
  };

  const push = (chunk: string): JsonRecord[] => {
    const out: JsonRecord[] = [];
    if (broken) return out;
    let from = 0;
    const keep = (to: number) => {
      if (!capturing || oversized) return;
      captured += to - from;
      if (captured > maxRecordChars) {
        oversized = true;
        pieces = [];
      } else {
        pieces.push(chunk.slice(from, to));
      }
    };
    for (let at = 0; at < chunk.length; at += 1) {
      const code = chunk.charCodeAt(at);
      if (code === NEWLINE) line += 1;
      if (inString) {
        if (escape) escape = false;
        else if (code === BACKSLASH) escape = true;
        else if (code === QUOTE) {
          inString = false;
          if (keyStart >= 0) {
            keyText += chunk.slice(keyStart, at);
            lastKey = keyText;
            keyStart = -1;
            expectKey = false;
          }
        }
        continue;
      }
      const char = chunk[at]!;
      if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
      if (depth === 0) {
        if (char === '[') {
          depth = 1;
          elementDepth = 1;
          topObject = false;
          continue;
        }
        if (char === '{') {
          depth = 1;
          topObject = true;
          expectKey = true;
          sawData = false;
          elementDepth = 0;
          capturing = true;
          captureDepth = 0;
          captureLine = line;
          from = at;
          continue;
        }
        out.push({ line, error: `not JSON: unexpected '${printable(char)}' at the top level` });
        // Nothing sensible to resume from in a document that is not JSON.
        broken = true;
        return out;
      }
      if (depth === elementDepth && !capturing) {
        if (char === ',') continue;
        if (char === ']') {
          depth -= 1;
          elementDepth = 0;
          continue;
        }
        if (char === '{' || char === '[') {
          capturing = true;
          captureDepth = depth;
          captureLine = line;
          from = at;
          depth += 1;
          continue;
        }
        if (char === '"') {
          inString = true;
        }
        out.push({ line, error: 'expected an object in the array' });
        continue;
      }
      if (char === '"') {
        inString = true;
        if (topObject && depth === 1 && expectKey) {
          keyStart = at + 1;
          keyText = '';
        }
        continue;
      }
      if (char === '{' || char === '[') {
        if (topObject && depth === 1 && char === '[' && lastKey === 'data' && elementDepth === 0) {
          // The page's `data` array: stream its elements instead of holding the whole page.
          keep(at);
          capturing = false;
          pieces = [];
          captured = 0;
          sawData = true;
          depth = 2;
          elementDepth = 2;
          continue;
        }
        depth += 1;
        continue;
      }
      if (char === '}' || char === ']') {
        depth -= 1;
        if (capturing && depth === captureDepth) {
          keep(at + 1);
          from = at + 1;
          finish(out);
          if (captureDepth === 0) topObject = false;
          continue;
        }
        if (depth === 1 && elementDepth === 2 && char === ']') {
          elementDepth = 0;
          continue;
        }
        if (depth === 0 && topObject) {
          // End of a page whose `data` was streamed.
          topObject = false;
        }
        continue;
      }
      if (topObject && depth === 1) {
        if (char === ',') expectKey = true;
        else if (char === ':') expectKey = false;
      }
    }
    if (keyStart >= 0) {
      keyText += chunk.slice(keyStart);
      keyStart = 0;
    }
    keep(chunk.length);
    return out;
  };

  return {
    push,
    end() {
      if (broken) return [];
      if (depth !== 0 || inString) return [{ line: capturing ? captureLine : line, error: 'the JSON document ends early (truncated file?)' }];
      return [];
    },
  };
}

function printable(char: string): string {
  const code = char.charCodeAt(0);
  return code < 32 || code > 126 ? `\\u${code.toString(16).padStart(4, '0')}` : char;
}
