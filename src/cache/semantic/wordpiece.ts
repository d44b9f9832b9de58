/**
 * BERT's tokenizer, as sentence-embedding models (MiniLM, BGE, E5, GTE) expect it: basic
 * tokenisation (clean, optional lower-casing and accent stripping, CJK characters and punctuation
 * split off) then greedy longest-match WordPiece with `##` continuations. Pure.
 */
export interface WordPieceVocab {
  ids: ReadonlyMap<string, number>;
  lowercase: boolean;
  unk: string;
  prefix: string;
}

/** `vocab.txt`: one token per line, the line number is the id. */
export function vocabFromText(text: string, lowercase = true): WordPieceVocab {
  const ids = new Map<string, number>();
  text.split(/\r?\n/).forEach((token, id) => {
    if (token.length > 0 && !ids.has(token)) ids.set(token, id);
  });
  return { ids, lowercase, unk: '[UNK]', prefix: '##' };
}

/** `tokenizer.json` of a WordPiece model (Hugging Face tokenizers format). */
export function vocabFromTokenizerJson(json: unknown): WordPieceVocab {
  const spec = json as { model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string }; normalizer?: { lowercase?: boolean } | null };
  if (spec.model?.type !== 'WordPiece' || !spec.model.vocab) throw new Error(`tokenizer.json: only WordPiece tokenizers are supported (found ${spec.model?.type ?? 'none'})`);
  return {
    ids: new Map(Object.entries(spec.model.vocab)),
    lowercase: spec.normalizer?.lowercase ?? true,
    unk: spec.model.unk_token ?? '[UNK]',
    prefix: spec.model.continuing_subword_prefix ?? '##',
  };
}

const isPunctuation = (ch: string): boolean => {
  const code = ch.codePointAt(0) ?? 0;
  if ((code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || (code >= 123 && code <= 126)) return true;
  return /\p{P}/u.test(ch);
};

const isCjk = (code: number): boolean =>
  (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x20000 && code <= 0x2a6df) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0x2f800 && code <= 0x2fa1f);

/** Basic tokenisation: words and single punctuation/CJK characters. */
export function basicTokens(text: string, lowercase: boolean): string[] {
  let clean = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0 || code === 0xfffd || (/\p{Cc}/u.test(ch) && !/\s/.test(ch))) continue;
    clean += isCjk(code) ? ` ${ch} ` : /\s/.test(ch) ? ' ' : ch;
  }
  const out: string[] = [];
  for (let word of clean.split(' ')) {
    if (!word) continue;
    if (lowercase) word = word.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
    let current = '';
    for (const ch of word) {
      if (isPunctuation(ch)) {
        if (current) out.push(current);
        out.push(ch);
        current = '';
      } else current += ch;
    }
    if (current) out.push(current);
  }
  return out;
}

/** Token ids for one text: `[CLS] … [SEP]`, at most `maxTokens` in all. */
export function encodeWordPiece(text: string, vocab: WordPieceVocab, maxTokens: number): number[] {
  const cls = vocab.ids.get('[CLS]');
  const sep = vocab.ids.get('[SEP]');
  const unk = vocab.ids.get(vocab.unk);
  if (cls === undefined || sep === undefined || unk === undefined) throw new Error('WordPiece vocabulary lacks [CLS], [SEP] or its unknown token');
  const ids = [cls];
  const room = maxTokens - 1;
  outer: for (const word of basicTokens(text, vocab.lowercase)) {
    const chars = [...word];
    if (chars.length > 100) {
      ids.push(unk);
    } else {
      const pieces: number[] = [];
      let start = 0;
      while (start < chars.length) {
        let end = chars.length;
        let found: number | undefined;
        while (start < end) {
          const piece = (start > 0 ? vocab.prefix : '') + chars.slice(start, end).join('');
          found = vocab.ids.get(piece);
          if (found !== undefined) break;
          end -= 1;
        }
        if (found === undefined) {
          pieces.length = 0;
          pieces.push(unk);
          break;
        }
        pieces.push(found);
        start = end;
      }
      for (const id of pieces) {
        if (ids.length >= room) break outer;
        ids.push(id);
      }
    }
    if (ids.length >= room) break;
  }
  ids.push(sep);
  return ids;
}
