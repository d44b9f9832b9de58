/**
 * Byte-level checks on raw upstream SSE reads, so a pass-through relay can forward a read as it
 * came (no decode, no re-encode, no copy) and read its events later. Each check is a native
 * `Buffer.indexOf` over the read; it may say "look closer" for a read that turns out harmless (the
 * relay then parses it as before), never the reverse.
 */

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const COLON = 58;
const LOWER_N = 110;
const ERROR_KEY = Buffer.from('"error"');
const BLANK_LINE = Buffer.from('\n\n');

/** True when the read ends with a blank line (`\n\n`), so no event continues into the next read. */
export function endsAtEventBoundary(chunk: Uint8Array): boolean {
  const length = chunk.length;
  return length >= 2 && chunk[length - 1] === LF && chunk[length - 2] === LF;
}

/**
 * Where a JSON key (given with its quotes, e.g. `"usage"`) first appears followed by a value other
 * than `null` (from `from`), or -1. Inside a JSON string a quote is escaped (`\"`), so generated
 * text cannot fake the key. A key cut off by the end of the read counts as found (look closer).
 */
export function nonNullKeyAt(chunk: Buffer, quotedKey: Buffer, from = 0): number {
  let at = chunk.indexOf(quotedKey, from);
  while (at !== -1) {
    let index = at + quotedKey.length;
    while (index < chunk.length && (chunk[index] === SPACE || chunk[index] === TAB || chunk[index] === CR || chunk[index] === LF)) index += 1;
    if (chunk[index] === COLON) {
      index += 1;
      while (index < chunk.length && (chunk[index] === SPACE || chunk[index] === TAB || chunk[index] === CR || chunk[index] === LF)) index += 1;
      if (chunk[index] !== LOWER_N) return at;
    } else if (index >= chunk.length) {
      return at;
    }
    at = chunk.indexOf(quotedKey, at + quotedKey.length);
  }
  return -1;
}

/** The byte range of the whole event (`\n\n`-terminated) around `at`, in a read that starts and ends at event boundaries; undefined if it is not so delimited. */
export function eventAround(chunk: Buffer, at: number): [start: number, end: number] | undefined {
  const before = chunk.lastIndexOf(BLANK_LINE, at);
  const after = chunk.indexOf(BLANK_LINE, at);
  if (after === -1) return undefined;
  return [before === -1 ? 0 : before + 2, after + 2];
}

/** True when the read may carry an in-band error (OpenAI `{"error":…}`, Anthropic `event: error`): the relay must read it before it goes out. */
export function mayCarryError(chunk: Buffer): boolean {
  return chunk.indexOf(ERROR_KEY) !== -1;
}
