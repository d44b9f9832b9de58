/**
 * The neutral answer cache's own costs, side by side in one run: `npx tsx bench/neutral-cache.ts`
 * (or `npm run bench:neutral-cache`). Prints p50/p99 in µs for
 * - the cache key of a typical chat request: the former per-wire key next to the neutral key;
 * - serving a hit as JSON and as SSE: a wire-only entry (the client-wire body as stored, the former
 *   format) next to a neutral entry rendered for the same wire and for the other wire;
 * - keeping a streamed miss: the capture (a reference per upstream chunk, one read at the end)
 *   for a 200-chunk OpenAI and Anthropic stream, and the per-chunk `push` alone (what the relay pays
 *   while streaming).
 */
import { answerForWire } from '../src/cache/answer-for-wire.ts';
import { captureAnswer } from '../src/cache/answer-capture.ts';
import { neutralFromJson } from '../src/cache/answer-from-json.ts';
import { exactCacheKey, requestCacheKey } from '../src/cache/canonical-key.ts';
import type { CachedAnswer } from '../src/cache/exact-store.ts';
import { createUsage } from '../src/domain/usage.ts';
import { percentile } from './lib/sequential-latency.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 20_000);
const micros = (samples: number[]) => ({ p50Us: Math.round(percentile(samples, 0.5) * 100) / 100, p99Us: Math.round(percentile(samples, 0.99) * 100) / 100 });
function measure(fn: () => unknown): { p50Us: number; p99Us: number } {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const start = process.hrtime.bigint();
    fn();
    if (i >= ROUNDS / 10) samples.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  return micros(samples);
}

const text = 'Paris is the capital of France. '.repeat(20);
const usage = createUsage({ inputTotal: 30, outputTotal: 140 });
const completion = { id: 'chatcmpl-c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }], usage: { prompt_tokens: 30, completion_tokens: 140, total_tokens: 170 } };
const meta = { servedModel: 'gpt-4o-mini', provider: 'openai', costNanoUsd: 90_000, inputTokens: 30, outputTokens: 140, createdAtMs: 0, v: 2 };
const wireOnly: CachedAnswer = { ...meta, wire: 'openai', body: JSON.stringify(completion) };
const neutral: CachedAnswer = { ...meta, wire: 'neutral', body: JSON.stringify(neutralFromJson('openai', completion, usage)) };

const serve = (answer: CachedAnswer, wire: 'openai' | 'anthropic', stream: boolean) => () => {
  const servable = answerForWire(answer, wire)!;
  return stream ? servable.frames(true).join('') : servable.json();
};

/** A 200-chunk upstream stream in each wire, as the bytes undici hands the relay. */
const pieces = text.match(/.{1,3}/gs)!.slice(0, 200);
const openAiStream = [
  ...pieces.map((piece, i) => `data: ${JSON.stringify({ id: 'chatcmpl-c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null }] })}\n\n`),
  `data: ${JSON.stringify({ id: 'chatcmpl-c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  `data: ${JSON.stringify({ id: 'chatcmpl-c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: completion.usage })}\n\ndata: [DONE]\n\n`,
].map((frame) => Buffer.from(frame));
const event = (type: string, data: Record<string, unknown>) => Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
const anthropicStream = [
  event('message_start', { message: { id: 'msg_c', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, usage: { input_tokens: 30, output_tokens: 1 } } }),
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...pieces.map((piece) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } })),
  event('content_block_stop', { index: 0 }),
  event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 140 } }),
  event('message_stop', {}),
];
const keep = (wire: 'openai' | 'anthropic', chunks: Buffer[]) => () => {
  const capture = captureAnswer(wire);
  for (const chunk of chunks) capture.push(chunk);
  if (!capture.finish(usage)) throw new Error('expected an answer');
};
const pushOnly = (chunks: Buffer[]) => () => {
  const capture = captureAnswer('openai');
  for (const chunk of chunks) capture.push(chunk);
};

const chatBody = { model: 'gpt-4o-mini', temperature: 0, max_tokens: 200, messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'What is the capital of France? Please answer briefly.' }] };

const result = {
  bench: 'neutral-cache',
  rounds: ROUNDS,
  keyWire: measure(() => exactCacheKey('org:a', 'openai', 'chat', chatBody)),
  keyNeutral: measure(() => requestCacheKey('org:a', 'openai', 'chat', chatBody)),
  hitJsonWireOnly: measure(serve(wireOnly, 'openai', false)),
  hitJsonNeutralSameWire: measure(serve(neutral, 'openai', false)),
  hitJsonNeutralOtherWire: measure(serve(neutral, 'anthropic', false)),
  hitStreamWireOnly: measure(serve(wireOnly, 'openai', true)),
  hitStreamNeutralSameWire: measure(serve(neutral, 'openai', true)),
  hitStreamNeutralOtherWire: measure(serve(neutral, 'anthropic', true)),
  captureOpenAi200Chunks: measure(keep('openai', openAiStream)),
  captureAnthropic200Chunks: measure(keep('anthropic', anthropicStream)),
  capturePushOnly200Chunks: measure(pushOnly(openAiStream)),
};
console.log(JSON.stringify(result, null, 1));
