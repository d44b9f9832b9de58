import { asArray, asRecord, asString } from './read.ts';

/** Keys whose string values are not prompt text (ids, roles, media payloads, cache markers). */
const NON_TEXT_KEYS = new Set(['role', 'type', 'id', 'tool_call_id', 'tool_use_id', 'cache_control', 'source', 'image_url', 'url', 'data', 'media_type', 'signature']);

/**
 * Characters of prompt text in a message list (either wire format): every string under content,
 * text, names, tool arguments and tool results; not roles, ids or images.
 */
export function countTextCharacters(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += countTextCharacters(item);
    return total;
  }
  const record = asRecord(value);
  if (!record) return 0;
  let total = 0;
  for (const key in record) {
    if (!NON_TEXT_KEYS.has(key)) total += countTextCharacters(record[key]);
  }
  return total;
}

/** The text of the last `user` message (text parts joined; tool results' text when that is all there is). */
export function lastUserText(messages: readonly unknown[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = asRecord(messages[index]);
    if (message?.role === 'user') return textOf(message.content);
  }
  return '';
}

function textOf(content: unknown): string {
  const text = asString(content);
  if (text !== undefined) return text;
  const parts = asArray(content);
  if (!parts) return '';
  let joined = '';
  let toolResults = '';
  for (const part of parts) {
    const block = asRecord(part);
    if (!block) continue;
    if (typeof block.text === 'string') joined += joined ? ` ${block.text}` : block.text;
    else if (block.type === 'tool_result') toolResults += textOf(block.content);
  }
  return joined || toolResults;
}

/** The default answer: deterministic, and it tells a test which prompt it answered. */
export function defaultAnswer(prompt: string): string {
  return `Mock answer to: ${prompt.slice(0, 40)}`;
}

/**
 * Splits an answer into stream chunks: one word (with its leading space) per chunk by default,
 * or `count` near-equal pieces. Joining the chunks gives the text back.
 */
export function splitIntoChunks(text: string, count: number | undefined): string[] {
  if (text === '') return [];
  if (!count || count < 1) return text.match(/\s*\S+|\s+$/g) ?? [text];
  const characters = Array.from(text);
  const size = Math.ceil(characters.length / Math.floor(count));
  const chunks: string[] = [];
  for (let start = 0; start < characters.length; start += size) chunks.push(characters.slice(start, start + size).join(''));
  return chunks;
}

/** Cuts an answer to a `max_tokens` limit (4 characters a token). */
export function truncateToTokens(text: string, maxTokens: number): string {
  return Array.from(text).slice(0, maxTokens * 4).join('');
}
