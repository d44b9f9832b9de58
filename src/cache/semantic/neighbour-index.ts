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

/**
 * The entries under one content key held by more than one: their ordinals in order of insertion,
 * some perhaps removed since (dropped when they outnumber the rest), and how many are not.
 */
interface Posting {
  ordinals: number[];
  live: number;
}

/** How many entries a posting list holds. */
const sizeOf = (list: number | Posting): number => (typeof list === 'number' ? 1 : list.live);

/** Best first (a stable sort: equal similarities stay in insertion order). */
const bySimilarity = (a: Neighbour, b: Neighbour): number => b.similarity - a.similarity;

/** Whether `keys` holds no key twice (a handful of keys: compared pairwise). */
function distinct(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index += 1) for (let other = 0; other < index; other += 1) if (keys[index] === keys[other]) return false;
  return true;
}

/**
 * In-process neighbour search for one namespace: vectors by id, plus posting lists by content key.
 * A lookup scores (dot product of L2-normalised vectors) only the entries under the query's rarest
 * held key, so its cost follows that key's frequency, not the index size. Each entry added gets an
 * ordinal (a small integer, never reused): posting lists are arrays of those, appended to, with
 * removed entries skipped until they are the larger part (no hash set per key, no string per slot).
 */
export class NeighbourIndex {
  /** Entries by ordinal. */
  private readonly entries = new Map<number, { id: string; vector: Float32Array; keys: readonly string[] }>();
  /** Ordinal of each id. */
  private readonly ordinals = new Map<string, number>();
  /** Ordinals by content key: one as itself (most keys of rare words have one), more in a posting list (insertion order kept). */
  private readonly postings = new Map<string, number | Posting>();
  private next = 0;

  /** `namespace`: the name it is kept under (entries of the namespace share this string). */
  constructor(readonly namespace = '') {}

  get size(): number {
    return this.entries.size;
  }

  /** `keys`: `contentKeys(text)`, when the caller has them already. */
  add(id: string, text: string, vector: Float32Array, keys: readonly string[] = contentKeys(text)): void {
    this.remove(id);
    if (!distinct(keys)) keys = [...new Set(keys)];
    const ordinal = this.next++;
    this.entries.set(ordinal, { id, vector, keys });
    this.ordinals.set(id, ordinal);
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index]!;
      const list = this.postings.get(key);
      if (list === undefined) this.postings.set(key, ordinal);
      else if (typeof list === 'number') this.postings.set(key, { ordinals: [list, ordinal], live: 2 });
      else {
        list.ordinals.push(ordinal);
        list.live += 1;
      }
    }
  }

  remove(id: string): boolean {
    const ordinal = this.ordinals.get(id);
    if (ordinal === undefined) return false;
    const entry = this.entries.get(ordinal)!;
    this.ordinals.delete(id);
    this.entries.delete(ordinal);
    for (const key of entry.keys) {
      const list = this.postings.get(key);
      if (list === undefined) continue;
      if (typeof list === 'number') {
        if (list === ordinal) this.postings.delete(key);
        continue;
      }
      list.live -= 1;
      if (list.live === 0) this.postings.delete(key);
      else if (list.ordinals.length > 2 * list.live + 16) list.ordinals = list.ordinals.filter((other) => this.entries.has(other));
    }
    return true;
  }

  /**
   * Neighbours with similarity ≥ `minSimilarity`, best first, at most `limit`. `keys`: the query's
   * `contentKeys`. With `everyKey` (the guard), a query word no entry holds means no neighbour at all.
   */
  search(keys: readonly string[], vector: Float32Array, minSimilarity: number, limit = 4, everyKey = true): Neighbour[] {
    let rarest: number | Posting | undefined;
    for (const key of keys) {
      const list = this.postings.get(key);
      if (list === undefined && everyKey) return []; // no entry holds this content word: none can pass the guard
      if (list === undefined) continue; // the verifier: the word may be one side of a synonym pair
      if (rarest === undefined || sizeOf(list) < sizeOf(rarest)) rarest = list;
    }
    if (rarest === undefined) return [];
    const found: Neighbour[] = [];
    if (typeof rarest === 'number') {
      const entry = this.entries.get(rarest)!;
      const similarity = cosine(vector, entry.vector);
      if (similarity >= minSimilarity) found.push({ id: entry.id, similarity });
    } else {
      // The newest MAX_CANDIDATES entries still held.
      let skip = rarest.live - MAX_CANDIDATES;
      for (const ordinal of rarest.ordinals) {
        const entry = this.entries.get(ordinal);
        if (entry === undefined) continue;
        if (skip-- > 0) continue;
        const similarity = cosine(vector, entry.vector);
        if (similarity >= minSimilarity) found.push({ id: entry.id, similarity });
      }
    }
    found.sort(bySimilarity);
    return found.slice(0, limit);
  }
}
