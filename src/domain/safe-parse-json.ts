export type JsonResult = { ok: true; value: unknown } | { ok: false; error: string; tooDeep?: boolean };

export interface ParseOptions {
  /** Refuse input whose arrays/objects nest deeper than this (checked in one linear pass before parsing). */
  maxDepth?: number;
}

/** The only place untrusted JSON text is parsed: never throws. */
export function safeParseJson(text: string, options: ParseOptions = {}): JsonResult {
  if (options.maxDepth !== undefined && nestingDepthExceeds(text, options.maxDepth)) {
    return { ok: false, error: `nesting deeper than ${options.maxDepth} levels`, tooDeep: true };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * Whether `[`/`{` nest deeper than `maxDepth` outside strings. Linear, no allocation, stops at the
 * first level too deep; malformed text is left for JSON.parse to report.
 */
export function nestingDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      // Jump to the closing quote with the native search (prompts are long strings): a quote preceded
      // by an odd number of backslashes is escaped and does not close the string.
      let end = text.indexOf('"', index + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return false;
      index = end;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}

function isEscaped(text: string, quoteIndex: number): boolean {
  let backslashes = 0;
  for (let index = quoteIndex - 1; index >= 0 && text.charCodeAt(index) === BACKSLASH; index -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}
