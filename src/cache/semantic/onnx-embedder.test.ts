import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyEmbeddingModel } from '../../../test/support/tiny-onnx.ts';
import { createOnnxEmbedder } from './onnx-embedder.ts';
import { basicTokens, encodeWordPiece, vocabFromText, vocabFromTokenizerJson } from './wordpiece.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'un', '##aff', '##able', 'hello', 'world', '!', ','];

describe('WordPiece tokenizer', () => {
  it('splits punctuation and CJK characters, lower-cases and strips accents', () => {
    expect(basicTokens('Hello, Wörld!  Ünïcode\t中文', true)).toEqual(['hello', ',', 'world', '!', 'unicode', '中', '文']);
    expect(basicTokens('Hello', false)).toEqual(['Hello']);
  });

  it('greedy longest-match pieces with ## continuations, [UNK] for what it cannot spell, truncated to maxTokens', () => {
    const vocab = vocabFromText(VOCAB.join('\n'));
    expect(encodeWordPiece('Unaffable hello!', vocab, 64)).toEqual([2, 4, 5, 6, 7, 9, 3]);
    expect(encodeWordPiece('hello zebra', vocab, 64)).toEqual([2, 7, 1, 3]);
    expect(encodeWordPiece('hello hello hello hello', vocab, 4)).toEqual([2, 7, 7, 3]);
    const fromJson = vocabFromTokenizerJson({ model: { type: 'WordPiece', vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) }, normalizer: { lowercase: true } });
    expect(encodeWordPiece('Unaffable hello!', fromJson, 64)).toEqual([2, 4, 5, 6, 7, 9, 3]);
    expect(() => vocabFromTokenizerJson({ model: { type: 'BPE', vocab: {} } })).toThrow(/WordPiece/);
  });
});

describe('ONNX embedder (a tiny model built in the test, run by onnxruntime-node)', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'tollgate-onnx-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const table = VOCAB.map((_, i) => [Math.sin(i + 1), Math.cos(i * 2), (i % 3) - 1, i / 10]);
  writeTinyEmbeddingModel(folder, VOCAB, table);

  it('mean-pools the token vectors of [CLS] … [SEP] and L2-normalises them', async () => {
    const embedder = await createOnnxEmbedder(folder);
    const vector = await embedder.embed('Hello world');
    const ids = [2, 7, 8, 3];
    const mean = [0, 1, 2, 3].map((d) => ids.reduce((sum, id) => sum + table[id]![d]!, 0) / ids.length);
    const norm = Math.hypot(...mean);
    expect(Array.from(vector).map((v) => v.toFixed(5))).toEqual(mean.map((v) => (v / norm).toFixed(5)));
    expect(embedder.dimensions).toBe(4);
    expect(embedder.id).toMatch(/^onnx:[0-9a-f]{16}:256$/);
  });

  it('says what is missing instead of starting with a broken embedder', async () => {
    await expect(createOnnxEmbedder(path.join(folder, 'nope'))).rejects.toThrow(/no model\.onnx/);
  });
});
