/**
 * Exact token counts of texts joined by '\n', with the long parts' counts remembered, so that a
 * system prompt or a conversation history sent again on every turn is not tokenized again.
 *
 * Why a sum of pieces is exact. o200k cuts a text into pretokens with one regex (gpt-tokenizer's
 * O200K_TOKEN_SPLIT_PATTERN; no lookbehind, no anchors, its one lookahead is `(?!\S)` after `\s+`)
 * and byte-pair encodes each pretoken on its own, so a count is the sum over pretokens. Every code
 * point starts a match of some branch (letters, `\p{N}`, `\s`, anything else), so the matches tile
 * the text. No pretoken holds a letter or digit followed by whitespace (letter and digit runs end
 * there; the other branches hold no letter or digit), nor '\r' or '\n' followed by a letter or digit
 * (the optional leading character of a word excludes them; the other branches hold no letter or
 * digit). So a pretoken ends between such a pair wherever it appears: a forced cut. Between two
 * forced cuts the text is matched as it would be alone: nothing looks behind, and at the second
 * cut every branch that reached it fails or succeeds alike on the next character and on the end of
 * the text (after a letter or digit only more letters, digits or a contraction could follow; after
 * '\r' or '\n' followed by a letter or digit, `\s*[\r\n]+` wins before `\s+(?!\S)` is tried).
 * Hence count(joined) = the sum of the counts of the pieces between forced cuts.
 *
 * A part's core runs from its first to its last forced cut strictly inside it (both characters of
 * the pair in the part), so it is the same cut whatever the neighbours. The core's count is
 * remembered; the rest (a part's first and last words, the separators, short parts) is counted
 * afresh as the glue between cores. A part without two such cuts is glue whole.
 */

/** Parts shorter than this are always counted afresh (a look-up would save little). */
export const MEMO_MIN_CHARS = 256;
/**
 * Characters of remembered parts kept at most (the key is the part itself, so no two texts can
 * share an entry): 2 M characters, at most 4 MB of UTF-16 keys plus under 100 bytes per entry
 * (at most 2 M / 256 = 7,813 entries), least recently used dropped first. The keys are the
 * request body's own strings (JSON.parse makes each a string of its own); a part that were a V8
 * slice of a larger string would keep that string alive while remembered.
 */
export const MEMO_MAX_CHARS = 2_000_000;

interface Core {
  /** Offset of the first forced cut inside the part. */
  readonly head: number;
  /** Offset of the last forced cut inside the part (>= head). */
  readonly tail: number;
  /** Tokens of part.slice(head, tail). */
  readonly count: number;
}

/** A letter or digit followed by whitespace, or '\r' / '\n' followed by a letter or digit; the cut is after the first. */
const FORCED_CUT_SOURCE = String.raw`[\p{L}\p{N}](?=\s)|[\r\n](?=[\p{L}\p{N}])`;
const FIRST_FORCED_CUT = new RegExp(FORCED_CUT_SOURCE, 'u');
const FORCED_CUTS = new RegExp(FORCED_CUT_SOURCE, 'gu');

/** Offset of the first forced cut strictly inside `text`, or -1. */
export function firstForcedCut(text: string): number {
  const match = FIRST_FORCED_CUT.exec(text);
  return match ? match.index + match[0].length : -1;
}

/**
 * Offset of the last forced cut strictly inside `text`, or -1. Searched in growing windows at the
 * end: a window that starts inside a surrogate pair sees a lone low surrogate, which is neither a
 * letter, a digit nor a line break, so it can hide a cut but never invent one.
 */
export function lastForcedCut(text: string): number {
  for (let window = 256; ; window *= 4) {
    const start = Math.max(0, text.length - window);
    const slice = start === 0 ? text : text.slice(start);
    let last = -1;
    FORCED_CUTS.lastIndex = 0;
    for (const match of slice.matchAll(FORCED_CUTS)) last = match.index + match[0].length;
    if (last >= 0) return start + last;
    if (start === 0) return -1;
  }
}

const memo = new Map<string, Core>();
let memoChars = 0;

/** Entries and characters held now (for tests and reports). */
export function tokenMemoSize(): { entries: number; chars: number } {
  return { entries: memo.size, chars: memoChars };
}

export function clearTokenMemo(): void {
  memo.clear();
  memoChars = 0;
}

function coreOf(part: string, count: (text: string) => number): Core | undefined {
  const known = memo.get(part);
  if (known) {
    // Most recently used last: Map keeps insertion order.
    memo.delete(part);
    memo.set(part, known);
    return known.tail > known.head ? known : undefined;
  }
  const head = firstForcedCut(part);
  const tail = head < 0 ? -1 : lastForcedCut(part);
  const core: Core = tail > head ? { head, tail, count: count(part.slice(head, tail)) } : { head: 0, tail: 0, count: 0 };
  if (part.length <= MEMO_MAX_CHARS) {
    memo.set(part, core);
    memoChars += part.length;
    for (const [oldest] of memo) {
      if (memoChars <= MEMO_MAX_CHARS) break;
      memo.delete(oldest);
      memoChars -= oldest.length;
    }
  }
  return tail > head ? core : undefined;
}

/**
 * Tokens of parts.join('\n'), exactly as `count` (an exact o200k count) gives for the joined text.
 * Only for joined texts that are counted exactly (the caller keeps its sampled path for longer ones).
 */
export function countJoinedTokens(parts: readonly string[], count: (text: string) => number): number {
  let total = 0;
  let glue = '';
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    if (index > 0) glue += '\n';
    const core = part.length >= MEMO_MIN_CHARS ? coreOf(part, count) : undefined;
    if (!core) {
      glue += part;
      continue;
    }
    glue += part.slice(0, core.head);
    if (glue) total += count(glue);
    total += core.count;
    glue = part.slice(core.tail);
  }
  if (glue) total += count(glue);
  return total;
}
