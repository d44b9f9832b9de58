/**
 * Lexical guard for semantic-cache hits. Embedding similarity alone serves near misses that differ
 * in exactly the token that matters ("capital of France" vs "capital of Germany", "Python 2" vs
 * "Python 3", "with" vs "without"). The guard compares the two prompts on the things a cached
 * answer depends on and rejects the hit on any mismatch:
 *  - numbers (digits or number words),
 *  - named entities (capitalised tokens not at a sentence start and not common words),
 *  - negation (not, no, never, n't, without …),
 *  - the kind of question (why / when / where / who / how many / yes-no vs. open "how/what"),
 *  - symbols and non-Latin tokens (C vs C++, `==` vs `=`),
 *  - content words (of 4+ letters; in strict mode any but function words) present in one prompt
 *    only, unless a spelling variant, plural or stem of a word in the other.
 * `hardMismatch` runs all but the last; the learned verifier (`verifier.ts`) keeps those as vetoes
 * (leniently: see `GuardOptions.lenient`) and weighs the one-sided words instead of refusing them.
 */
import { COMMON_WORDS, NEGATIONS, editDistance, normaliseText, stem, tokenize, tokenizeRaw } from '../../language/text.ts';

export interface GuardResult {
  ok: boolean;
  reason?: string;
}

export interface GuardOptions {
  /** Content words of at least this length count as rare (default 4). */
  fallbackRareLength?: number;
  /** Compare the question kind (why/when/where/who/how many/yes-no); default true. */
  questionKind?: boolean;
  /**
   * Also treat common content words (best, way, people, life …) as mismatches when present on one
   * side only; only function words (articles, auxiliaries, wh-words, prepositions) may differ.
   */
  strict?: boolean;
  /** Compare grammatical person (my/your/our/his …); default true. */
  person?: boolean;
  /**
   * Word meaning: a content word found on one side only is forgiven when the other side has an
   * unmatched word this close in meaning ("author" / "wrote"), unless the two are known opposites.
   */
  synonyms?: SynonymJudge;
  /**
   * For the learned verifier, which weighs these itself: word order is a veto only for names, and
   * a person only when both sides name one (my / his) or one side names a third person.
   */
  lenient?: boolean;
}

export interface SynonymJudge {
  /** Cosine of two words' meanings, or undefined when either is unknown. */
  similarity(a: string, b: string): number | undefined;
  /** Smallest similarity that counts as the same meaning. */
  threshold: number;
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  hundred: 100, thousand: 1000, million: 1e6, billion: 1e9, trillion: 1e12, dozen: 12,
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  half: 0.5, twice: 2, double: 2, triple: 3, single: 1,
};
/** Number words so common as articles/idioms that they are ignored ("one of the best", "first time"). */
const WEAK_NUMBER_WORDS = new Set(['one', 'first', 'single', 'second', 'half', 'double']);

function numberValue(tok: string): string | undefined {
  if (/^[0-9]/.test(tok)) {
    const m = /^([0-9]+(?:\.[0-9]+)?)(st|nd|rd|th|s|k|m|b|x|gb|mb|tb|kg|km|cm|mm|g|hz|ghz|p|am|pm|yrs?|years?)?$/.exec(tok);
    if (m && m[1] !== undefined) {
      let v = Number(m[1]);
      if (m[2] === 'k') v *= 1e3;
      return String(v);
    }
    return tok; // alphanumeric code like "4g", "i7", "3d" → compared verbatim
  }
  const w = NUMBER_WORDS[tok];
  return w === undefined || WEAK_NUMBER_WORDS.has(tok) ? undefined : String(w);
}

/** The numbers of a prompt in order ("1+2" and "1/2+1/2" differ), as one comparable string. */
function numberSequence(toks: readonly string[]): string {
  const out: string[] = [];
  for (const t of toks) {
    const v = numberValue(t);
    if (v !== undefined) out.push(v);
    else if (/[0-9]/.test(t)) out.push(t); // "i7", "ps4", "win10"
  }
  return out.join(' ');
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Two words are variants: same stem, one a prefix-plural of the other, or a small typo. */
export function isVariant(a: string, b: string): boolean {
  if (a === b) return true;
  const sa = stem(a);
  const sb = stem(b);
  if (sa === sb) return true;
  if (sa.length >= 4 && sb.length >= 4 && (sa.startsWith(sb) || sb.startsWith(sa)) && Math.abs(sa.length - sb.length) <= 2) return true;
  // Typos rarely hit the first letter: allusion/illusion, bear/pear are different words.
  if (a[0] !== b[0]) return false;
  if (Math.min(a.length, b.length) >= 5 && editDistance(a, b, 1) <= 1) return true;
  if (Math.min(a.length, b.length) >= 8 && editDistance(a, b, 2) <= 2) return true;
  return false;
}

export function hasVariant(word: string, others: readonly string[], otherSet: ReadonlySet<string>): boolean {
  if (otherSet.has(word)) return true;
  for (const o of others) if (isVariant(word, o)) return true;
  return false;
}

/** Capitalised words not at a sentence start, not common; all-caps acronyms; camel-case (iPhone). */
export function entities(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenizeRaw(text)) {
    if (COMMON_WORDS.has(t.norm) || NEGATIONS.has(t.norm) || NUMBER_WORDS[t.norm] !== undefined) continue;
    if (/^[0-9]/.test(t.raw)) continue;
    const capital = /^\p{Lu}/u.test(t.raw);
    const inner = /^.\p{Ll}*\p{Lu}/u.test(t.raw); // iPhone, McDonald, JavaScript
    if ((capital && !t.sentenceStart) || inner) out.push(t.norm);
  }
  return out;
}

/** Entities (capitalised, or any rare-looking word shared by both) in order of appearance. */
export function entityOrder(toks: readonly string[]): string[] {
  return toks.filter((t) => !COMMON_WORDS.has(t) && !FUNCTION_WORDS.has(t) && t.length >= 4);
}

/** The words both sequences share appear in the same relative order (A to B ≠ B to A). */
export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  const inB = new Map<string, number>();
  b.forEach((t, i) => {
    if (!inB.has(t)) inB.set(t, i);
  });
  const seen = new Set<string>();
  let last = -1;
  let inversions = 0;
  for (const t of a) {
    const j = inB.get(t);
    if (j === undefined || seen.has(t)) continue;
    seen.add(t);
    if (j < last) inversions += 1;
    last = j;
  }
  return inversions === 0;
}

function quoted(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/"+([^"]+)"+|`([^`]+)`|“([^”]+)”/g)) out.add((m[1] ?? m[2] ?? m[3] ?? '').trim().toLowerCase());
  return out;
}

/** Words that point at context the prompt does not hold. */
const DEICTIC: ReadonlySet<string> = new Set(['this', 'these', 'below', 'above', 'attached', 'following', 'image', 'picture', 'photo', 'pic', 'screenshot']);

export type QuestionKind = 'reason' | 'time' | 'place' | 'person' | 'quantity' | 'open' | 'yesno' | 'none';

const AUX = new Set(['can', 'could', 'is', 'are', 'am', 'was', 'were', 'do', 'does', 'did', 'will', 'would', 'should', 'shall', 'may', 'might', 'must', 'has', 'have', 'had']);

export function questionKind(toks: readonly string[]): QuestionKind {
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    switch (t) {
      case 'why':
        return 'reason';
      case 'when':
        return i === 0 ? 'time' : 'open';
      case 'where':
        return 'place';
      case 'who':
      case 'whom':
      case 'whose':
        return i === 0 ? 'person' : 'open';
      case 'how': {
        const n = toks[i + 1];
        if (n === 'many' || n === 'much' || n === 'long' || n === 'old' || n === 'often' || n === 'far') return 'quantity';
        return 'open';
      }
      case 'what':
      case 'which':
        return 'open';
      default:
        if (i === 0 && t !== undefined && AUX.has(t)) {
          // "Is there a way to …", "Is it possible to …", "Can anyone tell me how …" are open questions.
          if (toks.slice(1, 6).includes('how') || toks.slice(1, 6).includes('what')) continue;
          if ((toks[1] === 'there' && (toks[2] === 'any' || toks[3] === 'way')) || (toks[1] === 'it' && toks[2] === 'possible')) return 'open';
          return 'yesno';
        }
    }
    if (i >= 6) break;
  }
  return 'none';
}

const PERSON: Record<string, string> = {
  my: '1s', me: '1s', mine: '1s', myself: '1s',
  your: '2', yours: '2', yourself: '2', yourselves: '2',
  our: '1p', ours: '1p', ourselves: '1p', us: '1p',
  his: '3m', him: '3m', himself: '3m', he: '3m',
  her: '3f', hers: '3f', herself: '3f', she: '3f',
  their: '3p', theirs: '3p', themselves: '3p', them: '3p',
};
/** Possessive/object persons only: "I"/"you"/"we" as subjects are generic and swap freely in paraphrases. */
export function personSet(toks: readonly string[]): Set<string> {
  const s = new Set<string>();
  for (const t of toks) {
    const p = PERSON[t];
    if (p !== undefined) s.add(p);
  }
  return s;
}

/** Words that may differ freely between paraphrases. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  `a an the is are am was were be been being do does did doing can could will would shall should may might must have has had
  i you we one someone anyone people person me my your our to of in on at for from with by about into as and or so if that this
  these those there it its what which how who whom why when where some any way ways best good better possible really actually
  get getting go going make use using s`.split(/\s+/).filter(Boolean),
);

const SYMBOL_RE = /[^\s\p{L}\p{M}\p{N}?.,!'"’‘“”\-:;()/&]/gu;
function symbols(text: string): Set<string> {
  return new Set(text.match(SYMBOL_RE) ?? []);
}

function hasNonLatin(t: string): boolean {
  return /[^\u0000-\u024f]/.test(t);
}

/**
 * The checks whose mismatch always changes the answer (numbers, negation, symbols, names, order,
 * quoted text, outside context, question kind, person): the first one failed, or undefined.
 * The learned verifier keeps these as vetoes and only weighs the rest.
 */
export function hardMismatch(query: string, candidate: string, options: GuardOptions = {}): string | undefined {
  return hardMismatchOf(query, candidate, tokenize(query), tokenize(candidate), options);
}

function hardMismatchOf(query: string, candidate: string, qa: readonly string[], qb: readonly string[], options: GuardOptions): string | undefined {
  // Numbers.
  if (numberSequence(qa) !== numberSequence(qb)) return 'number mismatch';

  // Negation: presence must agree.
  const negA = qa.some((t) => NEGATIONS.has(t));
  const negB = qb.some((t) => NEGATIONS.has(t));
  if (negA !== negB) return 'negation mismatch';

  // Symbols (C vs C++, = vs ==) and non-Latin tokens.
  if (!sameSet(symbols(query), symbols(candidate))) return 'symbol mismatch';
  const setA = new Set(qa);
  const setB = new Set(qb);
  for (const t of setA) if (hasNonLatin(t) && !setB.has(t)) return `token mismatch: ${t}`;
  for (const t of setB) if (hasNonLatin(t) && !setA.has(t)) return `token mismatch: ${t}`;

  // Named entities.
  for (const e of entities(query)) if (!hasVariant(e, qb, setB)) return `entity mismatch: ${e}`;
  for (const e of entities(candidate)) if (!hasVariant(e, qa, setA)) return `entity mismatch: ${e}`;
  // Lenient: only the order of names is a veto ("Asia to Europe"); other words move in paraphrases.
  const orderA = options.lenient ? entities(query) : entityOrder(qa);
  const orderB = options.lenient ? entities(candidate) : entityOrder(qb);
  if (!sameOrder(orderA, orderB)) return 'entity order mismatch';

  // Quoted text is compared verbatim; a prompt pointing at context it does not contain ("this
  // plant", "the code below") is never answered from another prompt's context.
  if (!sameSet(quoted(query), quoted(candidate))) return 'quoted text mismatch';
  if (qa.some((t) => DEICTIC.has(t)) || qb.some((t) => DEICTIC.has(t))) return 'refers to context outside the prompt';

  // Kind of question.
  if (options.questionKind !== false) {
    const ka = questionKind(qa);
    const kb = questionKind(qb);
    if (ka !== kb && !((ka === 'none' || kb === 'none') && (ka === 'open' || kb === 'open'))) return `question kind mismatch: ${ka}/${kb}`;
  }

  if (options.person !== false) {
    const pa = personSet(qa);
    const pb = personSet(qb);
    // Lenient: a first- or second-person possessive on one side only ("improve my English" /
    // "improve English") is usually the generic asker and is left to the verifier; a third person
    // ("his parents") names someone else.
    const generic = (set: ReadonlySet<string>) => [...set].every((p) => !p.startsWith('3'));
    if (!sameSet(pa, pb) && !(options.lenient && ((pa.size === 0 && generic(pb)) || (pb.size === 0 && generic(pa))))) return `person mismatch: ${[...pa].join(',')}/${[...pb].join(',')}`;
  }
  return undefined;
}

/** Decide whether a cached `candidate` prompt may answer `query`. */
export function guardMatch(query: string, candidate: string, options: GuardOptions = {}): GuardResult {
  const qa = tokenize(query);
  const qb = tokenize(candidate);
  if (normaliseText(query).trim() === normaliseText(candidate).trim()) return { ok: true };
  const reason = hardMismatchOf(query, candidate, qa, qb, options);
  if (reason !== undefined) return { ok: false, reason };

  // Rare content words present on one side only.
  const { onlyA, onlyB } = oneSidedWords(qa, qb, options);
  const unmatched = options.synonyms ? pairSynonyms(onlyA, onlyB, qa, qb, options.synonyms) : { a: onlyA, b: onlyB };
  if (unmatched.a.length > 0) return { ok: false, reason: `rare word only in query: ${unmatched.a[0]}` };
  if (unmatched.b.length > 0) return { ok: false, reason: `rare word only in candidate: ${unmatched.b[0]}` };

  return { ok: true };
}

/**
 * Content words (of `fallbackRareLength`+ letters; in strict mode any but function words and short
 * fillers) present on one side only, after spelling variants, plurals and stems are matched.
 */
export function oneSidedWords(qa: readonly string[], qb: readonly string[], options: GuardOptions = {}): { onlyA: string[]; onlyB: string[] } {
  const fallbackLen = options.fallbackRareLength ?? 4;
  const setA = new Set(qa);
  const setB = new Set(qb);
  const isRare = (w: string): boolean => {
    if (NEGATIONS.has(w) || w.length < 2 || FUNCTION_WORDS.has(w)) return false;
    if (COMMON_WORDS.has(w)) return options.strict === true;
    return w.length >= fallbackLen || (options.strict === true && !SHORT_FILLERS.has(w));
  };
  return { onlyA: [...setA].filter((w) => isRare(w) && !hasVariant(w, qb, setB)), onlyB: [...setB].filter((w) => isRare(w) && !hasVariant(w, qa, setA)) };
}

/** Short words that carry no subject of their own (the rest of the short words do: "men", "tax", "c"). */
const SHORT_FILLERS: ReadonlySet<string> = new Set(
  `i a an as at by do go if in is it me my no of on or so to up us we he be am are can did does has had her him his its may not nor
  off one our out own she the too two was who why how yes you all any but few for get got let lot new now old put say see set try use
  way etc ie eg vs im ive id ok u ur r pls plz non pre`.split(/\s+/).filter(Boolean),
);

/** Pairs of words close in meaning that still change the answer. */
const OPPOSITES: ReadonlyArray<readonly [string, string]> = [];

/**
 * Forgives one-side-only words that have a counterpart of close meaning among the other side's
 * words that are not shared ("author" ~ "wrote"); known opposites never pair. Returns what is left.
 */
function pairSynonyms(onlyA: string[], onlyB: string[], qa: readonly string[], qb: readonly string[], judge: SynonymJudge): { a: string[]; b: string[] } {
  const freeA = qa.filter((w) => !FUNCTION_WORDS.has(w) && !qb.includes(w));
  const freeB = qb.filter((w) => !FUNCTION_WORDS.has(w) && !qa.includes(w));
  const counterpart = (word: string, others: readonly string[]): boolean =>
    others.some((other) => !isOpposite(word, other) && (judge.similarity(word, other) ?? 0) >= judge.threshold);
  return { a: onlyA.filter((w) => !counterpart(w, freeB)), b: onlyB.filter((w) => !counterpart(w, freeA)) };
}

function isOpposite(a: string, b: string): boolean {
  return OPPOSITES.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}
