/**
 * What scrubbing configured secrets costs on the relay path: a realistic SSE stream (OpenAI chat
 * chunks) pushed through the scrubber piece by piece, against the same stream passed through
 * untouched, with 1 and 20 configured secrets. Prints one JSON line.
 *   node --import tsx bench/secret-scrubber.ts
 */
import { randomBytes } from 'node:crypto';
import { createSecretScrubber } from '../src/domain/secret-scrubber.ts';

const chunk = (i: number) => `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"word${i} "},"finish_reason":null}]}\n\n`;
const pieces = Array.from({ length: 2_000 }, (_, i) => chunk(i));
const bytes = pieces.reduce((sum, piece) => sum + piece.length, 0);
const secrets = (n: number) => Array.from({ length: n }, () => `sk-${randomBytes(24).toString('hex')}`);

function run(push: (piece: string) => string, rounds: number): number {
  const started = process.hrtime.bigint();
  let out = 0;
  for (let round = 0; round < rounds; round += 1) for (const piece of pieces) out += push(piece).length;
  if (out === 0) throw new Error('nothing relayed');
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const rounds = 50;
const baselineMs = run((piece) => piece, rounds);
const results: Record<string, number> = {};
for (const n of [1, 20]) {
  const scrubber = createSecretScrubber(secrets(n));
  const stream = scrubber.stream();
  run((piece) => stream.push(piece), 5); // warm-up
  const ms = run((piece) => stream.push(piece), rounds);
  results[`secrets${n}_usPerChunk`] = Math.round(((ms * 1000) / (rounds * pieces.length)) * 1000) / 1000;
  results[`secrets${n}_MBps`] = Math.round((bytes * rounds) / 1e6 / (ms / 1000));
}
console.log(JSON.stringify({ bench: 'secret-scrubber', chunkBytes: Math.round(bytes / pieces.length), chunks: rounds * pieces.length, baselineUsPerChunk: Math.round(((baselineMs * 1000) / (rounds * pieces.length)) * 1000) / 1000, ...results }));
