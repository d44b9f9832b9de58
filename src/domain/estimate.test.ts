import { readFileSync } from 'node:fs';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { hasSharedData, missingSharedData, sharedDataPath } from '../../test/support/shared-data.ts';
import { skipUnless } from '../../test/support/skip-unless.ts';
import { countJoinedBounded, countTokensBounded, estimateInputTokens, EXACT_COUNT_CHARS, MERGE_CACHE_LIMIT, mergeCacheSize } from './estimate.ts';
import { mulberry32 } from './seeded-random.ts';
import { clearTokenMemo, countJoinedTokens, firstForcedCut, lastForcedCut, MEMO_MAX_CHARS, MEMO_MIN_CHARS, tokenMemoSize } from './token-memo.ts';

describe('countTokensBounded', () => {
  it('is exact for ordinary prompts', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(1_000);
    expect(text.length).toBeLessThan(EXACT_COUNT_CHARS);
    expect(countTokensBounded(text)).toBe(countTokens(text));
  });

  it('samples a multi-megabyte prompt and stays within a few percent of the exact count', () => {
    const text = Array.from({ length: 60_000 }, (_, index) => `Sentence ${index} talks about topic ${index % 97} in some detail.`).join(' ');
    expect(text.length).toBeGreaterThan(3_000_000);
    const exact = countTokens(text);
    const bounded = countTokensBounded(text);
    expect(Math.abs(bounded - exact) / exact).toBeLessThan(0.05);
  });
});

describe('special-token spellings in a prompt', () => {
  it('are counted as the text they are, exactly and when sampled, never refused', () => {
    const quoted = 'a <|endoftext|> b <|im_start|> c <|fim_middle|> d';
    // Read as text: 'a', ' <', '|', 'end', 'of', 'text', '|', '>', ' b' in o200k.
    expect(countTokensBounded('a <|endoftext|> b')).toBe(9);
    expect(countTokensBounded(quoted)).toBeGreaterThan(15);
    expect(() => countTokens(quoted)).toThrow(/special token/);
    expect(countTokensBounded(quoted.repeat(20_000))).toBeGreaterThan(15 * 20_000 * 0.9);
  });
});

describe('the tokenizer merge cache', () => {
  it('is emptied before it reaches its limit, however many new words arrive', () => {
    // 100 new words a call (letters only: one cache entry each), three times the limit in all.
    const word = (n: number) => `zq${[...n.toString(26)].map((digit) => String.fromCharCode(97 + parseInt(digit, 26))).join('')}`;
    const calls = Math.ceil((3 * MERGE_CACHE_LIMIT) / 100);
    let largest = 0;
    let emptied = 0;
    let before = mergeCacheSize();
    expect(before).toBeTypeOf('number'); // gpt-tokenizer still keeps the cache where estimate.ts reads it
    for (let call = 0; call < calls; call += 1) {
      const text = Array.from({ length: 100 }, (_, index) => word(call * 100 + index)).join(' ');
      expect(countTokensBounded(text)).toBe(countTokens(text));
      const size = mergeCacheSize()!;
      if (size < before!) emptied += 1;
      largest = Math.max(largest, size);
      before = size;
    }
    expect(emptied).toBeGreaterThanOrEqual(2);
    // Emptied before a call once at the limit: at most one call's words over it, never the library's own 100,000.
    expect(largest).toBeLessThan(MERGE_CACHE_LIMIT + 1_000);
  });
});

/** estimateInputTokens as it was before the memo: the parts joined by '\n' and counted in one go. */
function collectTextBefore(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTextBefore(item, out);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of ['content', 'text', 'arguments', 'name', 'input']) collectTextBefore(record[key], out);
    const fn = record.function;
    if (fn && typeof fn === 'object') collectTextBefore(fn, out);
    if (Array.isArray(record.tool_calls)) collectTextBefore(record.tool_calls, out);
  }
}
function estimateBefore(body: Record<string, unknown>): number {
  const parts: string[] = [];
  collectTextBefore(body.system, parts);
  collectTextBefore(body.prompt, parts);
  collectTextBefore(body.input, parts);
  let overhead = 0;
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      overhead += 4;
      collectTextBefore(message, parts);
    }
    overhead += 3;
  }
  if (body.tools !== undefined) parts.push(JSON.stringify(body.tools));
  return overhead + (parts.length ? countTokensBounded(parts.join('\n')) : 0);
}

const AS_TEXT = { disallowedSpecial: new Set<string>() };
const exact = (text: string) => countTokens(text, AS_TEXT);

/** Pieces chosen to stress o200k's pretokenizer at part edges: every kind of whitespace and line break, punctuation that swallows '\n', marks, surrogates. */
const PIECES = [
  'hello', 'World', 'HTTP', 'don\'t', "it'S", "WE'LL", 'naïve', 'e\u0301', '\u0301', 'Ωμέγα', 'привет', '日本語', '한국어', 'مرحبا', 'नमस्ते',
  '0', '7', '42', '12345', '٣٤', 'Ⅻ', '²', '3.14', '1,000',
  ' ', '  ', '\t', '\n', '\n\n', '\r\n', '\r', ' \n', '\n ', '\u00a0', '\u2028', '\u3000', '\u200b', '\f', '\v',
  '.', '?', '!', ',', ':', ';', '...', '/', '//', '(', ')', '{', '}', '"', "'", '`', '```', '-', '—', '#', '*', '<', '>', '|',
  '😀', '👍🏽', '👨‍👩‍👧', '🇫🇷', '\ud800', '\udc00', '\u0000', '\u001b',
  '<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|fim_middle|>', '<|endofprompt|>',
];
const WORDS = ['the', 'model', 'answers', 'briefly', 'You', 'are', 'a', 'helpful', 'assistant', 'Never', 'reveal', 'tokens', 'budget', 'cost', 'JSON', 'function', 'return', 'value', 'Tollgate'];

function generator(seed: number) {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const text = (length: number): string => {
    let out = '';
    while (out.length < length) {
      const roll = random();
      out += roll < 0.45 ? pick(WORDS) + (random() < 0.7 ? ' ' : '') : roll < 0.6 ? `${Math.floor(random() * 100_000)}` : pick(PIECES);
    }
    return out;
  };
  /** A part: prose of some length with random pieces glued at either edge, sometimes long enough to be remembered. */
  const part = (): string => {
    const length = random() < 0.5 ? Math.floor(random() * 200) : 256 + Math.floor(random() * 3_000);
    let edgeStart = '';
    let edgeEnd = '';
    for (let i = Math.floor(random() * 3); i > 0; i -= 1) edgeStart += pick(PIECES);
    for (let i = Math.floor(random() * 3); i > 0; i -= 1) edgeEnd += pick(PIECES);
    return random() < 0.05 ? edgeStart + edgeEnd : edgeStart + text(length) + edgeEnd;
  };
  return { random, pick, text, part };
}

describe('remembered part counts (token-memo.ts)', () => {
  it('cutting a text at any forced cut leaves the count as it was', () => {
    const { text } = generator(7);
    let cuts = 0;
    for (let round = 0; round < 300; round += 1) {
      const sample = text(400);
      const whole = exact(sample);
      for (const match of sample.matchAll(/[\p{L}\p{N}](?=\s)|[\r\n](?=[\p{L}\p{N}])/gu)) {
        const at = match.index + match[0].length;
        expect(exact(sample.slice(0, at)) + exact(sample.slice(at)), JSON.stringify([sample, at])).toBe(whole);
        cuts += 1;
      }
    }
    expect(cuts).toBeGreaterThan(5_000);
  });

  it('first and last forced cuts are found, surrogate pairs included, and never invented', () => {
    expect(firstForcedCut('...!!')).toBe(-1);
    expect(lastForcedCut('...!!')).toBe(-1);
    expect(firstForcedCut('a b')).toBe(1);
    expect(firstForcedCut('x\nb')).toBe(1);
    expect(firstForcedCut('.\nb')).toBe(2);
    expect(firstForcedCut('. \n.\n\n')).toBe(-1);
    expect(firstForcedCut('. \n.b\n\n')).toBe(5);
    expect(lastForcedCut(`a b${'.'.repeat(5_000)}`)).toBe(1);
    // Searching for the first cut leaves nothing behind that hides an early last one.
    expect(firstForcedCut(`${'.'.repeat(9)}a b`)).toBe(10);
    expect(lastForcedCut('a b')).toBe(1);
    // U+10400 (a letter outside the BMP) then a space: the cut is after both code units.
    expect(firstForcedCut('\u{10400} z')).toBe(2);
    expect(lastForcedCut(`${'.'.repeat(255)}\u{10400} ${'.'.repeat(100)}`)).toBe(257);
  });

  it('gives the joined count exactly for random parts (unicode, whitespace and line breaks at the edges, emoji, digits, special-token spellings)', () => {
    const { random, part } = generator(11);
    const pool: string[] = [];
    let remembered = 0;
    for (let round = 0; round < 800; round += 1) {
      const parts: string[] = [];
      for (let i = 1 + Math.floor(random() * 6); i > 0; i -= 1) {
        const reuse = pool.length > 0 && random() < 0.5;
        const next = reuse ? pool[Math.floor(random() * pool.length)]! : part();
        if (!reuse && next.length >= MEMO_MIN_CHARS) pool.push(next);
        parts.push(next);
      }
      const joined = parts.join('\n');
      expect(countJoinedBounded(parts), JSON.stringify(parts)).toBe(exact(joined));
      remembered = Math.max(remembered, tokenMemoSize().entries);
    }
    expect(remembered).toBeGreaterThan(100);
  });

  it('gives the same estimate as the joined count for random chat, Anthropic, Responses and tool bodies, as a conversation grows', () => {
    const { random, part, pick, text } = generator(13);
    const system = part() + text(20_000);
    let history: Array<Record<string, unknown>> = [];
    let exactCounted = 0;
    for (let turn = 0; turn < 200; turn += 1) {
      // A new conversation now and then, and before the history outgrows the exact count.
      if (random() < 0.05 || JSON.stringify(history).length > 35_000) history = [];
      const content = random() < 0.3 ? [{ type: 'text', text: part() }, { type: 'image_url', image_url: { url: 'data:x' } }, { type: 'text', text: part() }] : part();
      history.push({ role: 'user', content });
      if (random() < 0.3) history.push({ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'lookup', arguments: JSON.stringify({ q: part() }) } }] });
      history.push({ role: 'assistant', content: part() });
      const tools = random() < 0.3 ? [{ type: 'function', function: { name: 'lookup', description: part(), parameters: { type: 'object' } } }] : undefined;
      const shape = pick(['chat', 'anthropic', 'responses', 'prompt'] as const);
      // A fresh copy, as each request's body is parsed anew.
      const body = JSON.parse(
        JSON.stringify(
          shape === 'chat'
            ? { model: 'm', messages: [{ role: 'system', content: system }, ...history], tools }
            : shape === 'anthropic'
              ? { model: 'm', system: random() < 0.5 ? system : [{ type: 'text', text: system }], messages: history, tools }
              : shape === 'responses'
                ? { model: 'm', instructions: 'x', input: random() < 0.5 ? part() : history }
                : { model: 'm', prompt: [part(), part()] },
        ),
      ) as Record<string, unknown>;
      expect(estimateInputTokens(body)).toBe(estimateBefore(body));
      if (JSON.stringify(body).length < EXACT_COUNT_CHARS) exactCounted += 1;
    }
    expect(exactCounted).toBeGreaterThan(150);
  });

  it('keeps the sampled path for joined texts over the exact limit, exactly as before', () => {
    const { text } = generator(17);
    const parts = [text(40_000), text(30_000)];
    expect(parts.join('\n').length).toBeGreaterThan(EXACT_COUNT_CHARS);
    expect(countJoinedBounded(parts)).toBe(countTokensBounded(parts.join('\n')));
    expect(estimateInputTokens({ messages: [{ role: 'user', content: parts[0] }, { role: 'user', content: parts[1] }] })).toBe(
      estimateBefore({ messages: [{ role: 'user', content: parts[0] }, { role: 'user', content: parts[1] }] }),
    );
  });

  it('holds at most MEMO_MAX_CHARS characters of parts, dropping the least recently used', () => {
    clearTokenMemo();
    const fake = (text: string) => text.length;
    const kept = `kept ${'word '.repeat(10_000)}`;
    for (let index = 0; index < 200; index += 1) {
      countJoinedTokens([kept], fake);
      countJoinedTokens([`part ${index} ${'word '.repeat(10_000)}`], fake);
      expect(tokenMemoSize().chars).toBeLessThanOrEqual(MEMO_MAX_CHARS);
    }
    expect(tokenMemoSize().entries).toBeLessThan(MEMO_MAX_CHARS / 50_000 + 1);
    expect(tokenMemoSize().entries).toBeGreaterThan(30);
    // The part used on every round is still there: counted without calling the counter on its core.
    let counted = 0;
    countJoinedTokens([kept], (text) => ((counted += text.length), text.length));
    expect(counted).toBeLessThan(100);
  });
});

const arenaFile = 'arena-hard/arena-hard-v2.0-question.jsonl';
const vectorsFile = 'arena-hard/token-length-vectors.jsonl';
const usagesFile = 'prices/genai-prices/usages.json';
const dataPresent = [arenaFile, vectorsFile, usagesFile].every(hasSharedData);

skipUnless(dataPresent, missingSharedData(arenaFile))('remembered part counts on real bodies', () => {
  it('give the same estimate as before for the 1,577 recorded usage bodies and for conversations of real prompts and answers', () => {
    const usages = JSON.parse(readFileSync(sharedDataPath(usagesFile), 'utf8')) as Array<{ body: Record<string, unknown> }>;
    expect(usages).toHaveLength(1_577);
    for (const { body } of usages) expect(estimateInputTokens(body)).toBe(estimateBefore(body));
    const prompts = readFileSync(sharedDataPath(arenaFile), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { prompt: string }).prompt);
    const answers = readFileSync(sharedDataPath(vectorsFile), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { text: string }).text);
    const system = prompts.slice(0, 10).join('\n\n');
    let history: Array<{ role: string; content: string }> = [];
    let compared = 0;
    let exactCounted = 0;
    for (let turn = 0; turn < 300; turn += 1) {
      if (JSON.stringify(history).length > 40_000) history = [];
      history.push({ role: 'user', content: prompts[turn]! }, { role: 'assistant', content: answers[turn]! });
      const body = JSON.parse(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'system', content: system }, ...history] })) as Record<string, unknown>;
      expect(estimateInputTokens(body)).toBe(estimateBefore(body));
      const single = { model: 'gpt-4o', system: prompts[turn], messages: [{ role: 'user', content: answers[turn + 750] }] };
      expect(estimateInputTokens(single)).toBe(estimateBefore(single));
      compared += 2;
      if (JSON.stringify(body).length < EXACT_COUNT_CHARS) exactCounted += 1;
    }
    expect(compared).toBe(600);
    expect(exactCounted).toBeGreaterThan(250);
  });
});
