import { cosine } from '../../language/embedder.ts';
import { FUNCTION_WORDS } from './guard.ts';
import { NEGATIONS, stem, tokenize } from '../../language/text.ts';

export interface Neighbour {
  id: string;
  similarity: number;
}

/** Most candidates scored per lookup (the newest entries of the chosen posting list). */
const MAX_CANDIDATES = 2_048;

/**
 * The content keys of a prompt: numbers verbatim, other non-function words by the first five
 * letters of their stem (so plurals, tenses and most spelling variants share a key). The guard
 * rejects a neighbour that lacks any of the query's content words, so every neighbour it could
 * accept shares the query's rarest key: looking only there loses nothing the guard would keep.
 * The learned verifier may accept a neighbour that lacks one (a synonym on the other side:
 * "author" / "wrote"); for it the search looks under the rarest key that some entry holds.
 */
export function contentKeys(text: string): string[] {
  return contentKeysOf(tokenize(text));
}

/** `contentKeys` from the text's words (`tokenize(text)`), when the caller has them already. */
export function contentKeysOf(words: readonly string[]): string[] {
  const keys = new Set<string>();
  for (let index = 0; index < words.length; index += 1) {
    const key = wordKey(words[index]!);
    if (key !== '') keys.add(key);
  }
  return [...keys];
}

/** Words whose content key is remembered (the memo is cleared when full), and the longest one remembered. */
const KEY_MEMO_SIZE = 8_192;
const KEY_MEMO_CHARS = 64;
const keyMemo = new Map<string, string>();

/** A word's content key, or '' for a word without one (a function word, a negation, a single letter). */
function wordKey(token: string): string {
  if (token.length > KEY_MEMO_CHARS) return keyOfWord(token);
  let key = keyMemo.get(token);
  if (key === undefined) {
    if (keyMemo.size >= KEY_MEMO_SIZE) keyMemo.clear();
    keyMemo.set(token, (key = keyOfWord(token)));
  }
  return key;
}

function keyOfWord(token: string): string {
  if (/^[0-9]/.test(token)) return token;
  if (token.length >= 2 && !FUNCTION_WORDS.has(token) && !NEGATIONS.has(token)) return stem(token).slice(0, 5);
  return '';
}

/** How many ids a posting list holds. */
const sizeOf = (list: string | Set<string>): number => (typeof list === 'string' ? 1 : list.size);

/**
 * In-process neighbour search for one namespace: vectors by id, plus posting lists by content key.
 * A lookup scores (dot product of L2-normalised vectors) only the entries under the query's rarest
 * held key, so its cost follows that key's frequency, not the index size.
 */
export class NeighbourIndex {
  private readonly vectors = new Map<string, { vector: Float32Array; keys: string[] }>();
  /** Ids by content key: one id as itself (most keys of rare words have one), more in a Set (insertion order kept). */
  private readonly postings = new Map<string, string | Set<string>>();

  /** `namespace`: the name it is kept under (entries of the namespace share this string). */
  constructor(readonly namespace = '') {}

  get size(): number {
    return this.vectors.size;
  }

  /** `keys`: `contentKeys(text)`, when the caller has them already. */
  add(id: string, text: string, vector: Float32Array, keys: string[] = contentKeys(text)): void {
    this.remove(id);
    this.vectors.set(id, { vector, keys });
    for (const key of keys) {
      const list = this.postings.get(key);
      if (list === undefined) this.postings.set(key, id);
      else if (typeof list !== 'string') list.add(id);
      else if (list !== id) this.postings.set(key, new Set([list, id]));
    }
  }

  remove(id: string): boolean {
    const entry = this.vectors.get(id);
    if (!entry) return false;
    this.vectors.delete(id);
    for (const key of entry.keys) {
      const list = this.postings.get(key);
      if (list === undefined) continue;
      if (typeof list === 'string') {
        if (list === id) this.postings.delete(key);
        continue;
      }
      list.delete(id);
      if (list.size === 0) this.postings.delete(key);
    }
    return true;
  }

  /**
   * Neighbours with similarity ≥ `minSimilarity`, best first, at most `limit`. `keys`: the query's
   * `contentKeys`. With `everyKey` (the guard), a query word no entry holds means no neighbour at all.
   */
  search(keys: readonly string[], vector: Float32Array, minSimilarity: number, limit = 4, everyKey = true): Neighbour[] {
    let rarest: string | Set<string> | undefined;
    for (const key of keys) {
      const list = this.postings.get(key);
      if (!list && everyKey) return []; // no entry holds this content word: none can pass the guard
      if (!list) continue; // the verifier: the word may be one side of a synonym pair
      if (!rarest || sizeOf(list) < sizeOf(rarest)) rarest = list;
    }
    if (!rarest) return [];
    const found: Neighbour[] = [];
    let skip = sizeOf(rarest) - MAX_CANDIDATES;
    for (const id of typeof rarest === 'string' ? [rarest] : rarest) {
      if (skip-- > 0) continue;
      const entry = this.vectors.get(id);
      if (!entry) continue;
      const similarity = cosine(vector, entry.vector);
      if (similarity >= minSimilarity) found.push({ id, similarity });
    }
    found.sort((a, b) => b.similarity - a.similarity);
    return found.slice(0, limit);
  }
}
