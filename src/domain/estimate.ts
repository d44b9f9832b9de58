import o200k, { clearMergeCache, countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { countJoinedTokens } from './token-memo.ts';
import { createUsage, type Usage } from './usage.ts';

/**
 * Local token estimates with o200k (gpt-4o's encoding), used only when the upstream reports no usage
 * (a stream cut off, a server that never sends usage). Rows priced from these are marked estimated.
 */
export function estimateUsage(body: Record<string, unknown>, outputText: string): Usage {
  return createUsage({ inputTotal: estimateInputTokens(body), outputTotal: outputText ? countTokensBounded(outputText) : 0 });
}

/** Counts the text of messages/system/prompt/input plus a small per-message overhead, as OpenAI's chat format does. */
export function estimateInputTokens(body: Record<string, unknown>): number {
  const parts: string[] = [];
  collectText(body.system, parts);
  collectText(body.prompt, parts);
  collectText(body.input, parts);
  let overhead = 0;
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      overhead += 4;
      collectText(message, parts);
    }
    overhead += 3;
  }
  // JSON.stringify gives undefined for a value JSON cannot hold; join read it as ''.
  if (body.tools !== undefined) parts.push(JSON.stringify(body.tools) ?? '');
  return overhead + countJoinedBounded(parts);
}

/**
 * countTokensBounded(parts.join('\n')), with the long parts' counts remembered (token-memo.ts:
 * the same count, proved and tested against the joined text) so a system prompt or history sent
 * again each turn is not tokenized again. A joined text over EXACT_COUNT_CHARS is sampled as before.
 */
export function countJoinedBounded(parts: readonly string[]): number {
  if (parts.length === 0) return 0;
  let length = parts.length - 1;
  for (const part of parts) length += part.length;
  if (length > EXACT_COUNT_CHARS) return countTokensBounded(parts.join('\n'));
  return countJoinedTokens(parts, countExact);
}

function countExact(text: string): number {
  boundMergeCache();
  return countTokens(text, AS_TEXT);
}

/**
 * Special-token spellings (`<|endoftext|>`, `<|im_start|>`) in a prompt are counted as the text they
 * are, as a provider reads user content. gpt-tokenizer refuses them by default (it throws); an empty
 * disallowed set also skips its scan of every text for them.
 */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/** Texts up to this many characters are counted exactly; longer ones are sampled. */
export const EXACT_COUNT_CHARS = 65_536;
const SAMPLES = 8;

/**
 * Token count with bounded work: exact up to EXACT_COUNT_CHARS, beyond that the count of eight
 * evenly spaced windows scaled to the whole length. A 4 MB prompt costs the event loop a few
 * milliseconds instead of most of a second; the estimate only sizes a reservation, which the
 * upstream's reported usage settles.
 */
export function countTokensBounded(text: string): number {
  boundMergeCache();
  if (text.length <= EXACT_COUNT_CHARS) return countTokens(text, AS_TEXT);
  const window = Math.floor(EXACT_COUNT_CHARS / SAMPLES);
  const stride = Math.floor((text.length - window) / (SAMPLES - 1));
  let sampled = 0;
  for (let index = 0; index < SAMPLES; index += 1) sampled += countTokens(text.slice(index * stride, index * stride + window), AS_TEXT);
  return Math.ceil((sampled * text.length) / (window * SAMPLES));
}

/**
 * Words the tokenizer's merge cache may hold before it is emptied. gpt-tokenizer keeps every word
 * it has merged (up to 100,000) as an LRU: each hit is moved to the end and, once full, every new
 * word evicts the oldest, which walks a table full of holes. A gateway sees an endless stream of
 * new words (ids, numbers, names), so the cost of an estimate grew with the process's age (and a
 * large table is slower even before it fills). Emptied at this size, it keeps the common words
 * of the traffic of the moment and costs the same after a million requests as after a thousand.
 */
export const MERGE_CACHE_LIMIT = 10_000;

/**
 * The merge cache's size, read off the encoder's internals (gpt-tokenizer exposes only
 * `clearMergeCache` and `setMergeCacheSize`); undefined if a release moves it (estimate.test.ts
 * fails then, rather than the bound silently lapsing).
 */
export function mergeCacheSize(): number | undefined {
  const size = (o200k as unknown as { bytePairEncodingCoreProcessor?: { mergeCache?: { size?: unknown } } }).bytePairEncodingCoreProcessor?.mergeCache?.size;
  return typeof size === 'number' ? size : undefined;
}

function boundMergeCache(): void {
  if ((mergeCacheSize() ?? 0) >= MERGE_CACHE_LIMIT) clearMergeCache();
}

function collectText(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectText(item, out);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of ['content', 'text', 'arguments', 'name', 'input']) collectText(record[key], out);
    const fn = record.function;
    if (fn && typeof fn === 'object') collectText(fn, out);
    if (Array.isArray(record.tool_calls)) collectText(record.tool_calls, out);
  }
}
