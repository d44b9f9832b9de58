/**
 * Shared text normalisation for the semantic cache: lower-casing, apostrophe folding, contraction
 * expansion and word tokenisation. The embedder and the guard must agree on what a "word" is.
 */

/** The one contraction without an apostrophe. */
const CANNOT: readonly [RegExp, string] = [/\bcannot\b/g, 'can not'];

const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcan't\b/g, 'can not'],
  CANNOT,
  [/\bwon't\b/g, 'will not'],
  [/\bshan't\b/g, 'shall not'],
  [/\bain't\b/g, 'is not'],
  [/n't\b/g, ' not'],
  [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'],
  [/'ll\b/g, ' will'],
  [/'d\b/g, ' would'],
  [/'m\b/g, ' am'],
  [/\b(what|who|where|when|why|how|that|there|it|he|she|here)'s\b/g, '$1 is'],
  [/'s\b/g, ''],
];

/** Apostrophe-like characters folded to `'`. */
const APOSTROPHES_RE = /[\u2018\u2019\u02bc`´]/g;

/** Lower-case, fold typographic apostrophes, expand common contractions. */
export function normaliseText(text: string): string {
  const lower = text.toLowerCase();
  // Every contraction but `cannot` needs an apostrophe: without one, the other rewrites cannot apply.
  if (!hasApostrophe(lower)) return lower.includes('cannot') ? lower.replace(CANNOT[0], CANNOT[1]) : lower;
  let s = lower.replace(APOSTROPHES_RE, "'");
  for (const [re, rep] of CONTRACTIONS) s = s.replace(re, rep);
  return s;
}

/** Whether `s` holds `'` or a character `normaliseText` folds to it. */
function hasApostrophe(s: string): boolean {
  for (let index = 0; index < s.length; index += 1) {
    const c = s.charCodeAt(index);
    if (c === 0x27 || c === 0x60 || c === 0xb4 || c === 0x2bc || c === 0x2018 || c === 0x2019) return true;
  }
  return false;
}

/** Letters/digits (any script), `1,000` and `3.5` as one token, a trailing `++`/`#` kept (C++, C#). */
const WORD_RE = /[\p{L}\p{M}\p{N}]+(?:[.,][0-9]+)*(?:\+\+|#)?/gu;

/** Words of a text after `normaliseText` (digits kept, `1,000` and `3.5` stay one token). */
export function tokenize(text: string): string[] {
  const s = normaliseText(text);
  if (isAscii(s)) return asciiWords(s);
  const out = s.match(WORD_RE);
  if (!out) return [];
  for (let index = 0; index < out.length; index += 1) {
    const w = out[index]!;
    if (isDigit(w.charCodeAt(0)) && w.includes(',')) out[index] = w.replace(/,/g, '');
  }
  return out;
}

function isAscii(s: string): boolean {
  for (let index = 0; index < s.length; index += 1) if (s.charCodeAt(index) > 0x7f) return false;
  return true;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** ASCII letters and digits: what `\p{L}\p{M}\p{N}` matches below U+0080. */
const isAsciiWordChar = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);

/** `WORD_RE`'s matches in an ASCII string, scanned by hand (with the commas of numbers dropped, as `tokenize` drops them). */
function asciiWords(s: string): string[] {
  const out: string[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    if (!isAsciiWordChar(s.charCodeAt(i))) {
      i += 1;
      continue;
    }
    const start = i;
    while (i < n && isAsciiWordChar(s.charCodeAt(i))) i += 1;
    let comma = false;
    // (?:[.,][0-9]+)*
    while (i + 1 < n && (s.charCodeAt(i) === 0x2e || s.charCodeAt(i) === 0x2c) && isDigit(s.charCodeAt(i + 1))) {
      if (s.charCodeAt(i) === 0x2c) comma = true;
      i += 2;
      while (i < n && isDigit(s.charCodeAt(i))) i += 1;
    }
    // (?:\+\+|#)?
    if (s.charCodeAt(i) === 0x2b && s.charCodeAt(i + 1) === 0x2b) i += 2;
    else if (s.charCodeAt(i) === 0x23) i += 1;
    const word = s.slice(start, i);
    out.push(comma && isDigit(s.charCodeAt(start)) ? word.replace(/,/g, '') : word);
  }
  return out;
}

/** Words of a text with their original casing and offsets (for entity detection). */
export function tokenizeRaw(text: string): Array<{ raw: string; norm: string; sentenceStart: boolean }> {
  const s = text.replace(/[\u2018\u2019\u02bc`´]/g, "'");
  const re = /[\p{L}\p{M}\p{N}]+(?:[.,][0-9]+)*(?:\+\+|#)?/gu;
  const out: Array<{ raw: string; norm: string; sentenceStart: boolean }> = [];
  let m: RegExpExecArray | null;
  let lastEnd = 0;
  let first = true;
  while ((m = re.exec(s)) !== null) {
    const between = s.slice(lastEnd, m.index);
    const sentenceStart = first || /[.?!:;"(\n]\s*["(]*\s*$/.test(between) || /^\s*["'(]*$/.test(s.slice(0, m.index));
    out.push({ raw: m[0], norm: m[0].toLowerCase(), sentenceStart });
    lastEnd = m.index + m[0].length;
    first = false;
  }
  return out;
}

const SUFFIXES = ['ingly', 'edly', 'ness', 'ment', 'ings', 'ing', 'est', 'ers', 'ed', 'er', 'ly', 'ity', 'al', 'ic', 'e', 'y'];

/** Cheap English stemmer (plural, -ing, -ed, -est, -er, -ly …) used to match spelling variants. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('es') && /(?:x|ch|sh|ss|zz)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is') && w.length > 3) w = w.slice(0, -1);
  for (const suf of SUFFIXES) {
    if (w.endsWith(suf) && w.length - suf.length >= 3) {
      w = w.slice(0, -suf.length);
      break;
    }
  }
  // Collapse a doubled final consonant left by -ing/-ed/-est ("running" -> "runn" -> "run").
  if (w.length > 3 && w.charCodeAt(w.length - 1) === w.charCodeAt(w.length - 2) && !isVowel(w.charCodeAt(w.length - 1))) w = w.slice(0, -1);
  return w;
}

/** a, e, i, o or u. */
const isVowel = (c: number): boolean => c === 0x61 || c === 0x65 || c === 0x69 || c === 0x6f || c === 0x75;

/** Levenshtein distance bounded by `max` (returns max+1 when exceeded). */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[n] ?? max + 1;
}

/**
 * Function words and very common English words: never a named entity, never a "rare content word".
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing done down during each few for from further get gets getting got had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those
through to too under until up upon very was we were what when where which while who whom why will with would you your yours
yourself yourselves is are was were will shall may might must one ones thing things way ways someone something anything anyone
everything everyone people person good best better bad worse worst new old many much lot lots really actually possible make makes
making made use used using know known think like likes want wants need needs go goes going went come take takes give gives find
get see say said tell mean means first last time times year years day days life world work works good great big small long
little right wrong true false yes ok okay please thanks thank question questions answer answers quora let us even ever still yet
well back however therefore whether since though although via per etc vs versus i'm im i've dont doesnt isnt cant wont why what
who whose whom which where when how there here between among within across around toward towards`.split(/\s+/).filter(Boolean),
);

/** Negation markers (after `normaliseText`, so "can't" has become "can not"). */
export const NEGATIONS: ReadonlySet<string> = new Set(['not', 'no', 'never', 'none', 'nothing', 'nobody', 'nowhere', 'neither', 'nor', 'without', 'cannot', 'unable']);
