import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { estimateUsage } from '../domain/estimate.ts';
import type { Target } from '../domain/request.ts';
import { createAnthropicAdapter } from '../providers/anthropic/adapter.ts';
import { createOpenAiAdapter } from '../providers/openai/adapter.ts';
import { makeCall, providerConfig } from '../providers/testing/harness.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import type { MeteredRequest } from './meter-sink.ts';
import { relayStream } from './relay-stream.ts';
import type { PipelineDeps, PipelineRequest } from './types.ts';

const principal = { keyId: undefined, orgId: 'o', projectId: 'p', userId: undefined, tags: [], allow: { project: false, user: false, tags: false } };
const cost = { inputNanoUsd: 1_000, outputNanoUsd: 2_000, totalNanoUsd: 3_000, priced: true, source: 'catalogue' };
const chunk = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
const delta = (content: string, finish: string | null = null) => chunk({ id: 'chatcmpl-1', model: 'm-served', choices: [{ index: 0, delta: { content }, finish_reason: finish }], usage: null });
const usageOnly = chunk({ id: 'chatcmpl-1', model: 'm-served', choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } });
const done = 'data: [DONE]\n\n';
const COST_LINE = /: x-tollgate-cost-usd [^\n]*\n\n$/;

interface Relayed {
  /** What the client received, piece by piece (Buffers as they were handed over). */
  pieces: Array<string | Uint8Array>;
  text: string;
  metered: MeteredRequest[];
  saved: Array<{ body: string }>;
}

/** Relays the given upstream reads (strings are UTF-8 encoded, Buffers used as they are) through `relayStream`. */
async function relay(
  reads: Array<string | Buffer>,
  options: {
    adapter?: ProviderAdapter;
    clientWire?: 'openai' | 'anthropic';
    includeUsage?: boolean;
    cache?: boolean;
    cutAfter?: boolean;
    /** The upstream body itself (a Node Readable, as undici's) instead of `reads`. */
    body?: AsyncIterable<Buffer>;
    /** Called with each piece as the client gets it. */
    onPiece?: (piece: string | Uint8Array, index: number) => void;
    /** The client stops reading after this many pieces. */
    leaveAfter?: number;
  } = {},
): Promise<Relayed> {
  const adapter = options.adapter ?? createOpenAiAdapter('openai');
  const clientWire = options.clientWire ?? 'openai';
  const provider = providerConfig(adapter.kind, 'http://127.0.0.1:1');
  const target: Target = { providerId: 'up', provider, upstreamModel: 'm' };
  const body: Record<string, unknown> = { model: 'm', stream: true, max_tokens: 5, messages: [{ role: 'user', content: 'What is the capital of France?' }] };
  if (options.includeUsage) body.stream_options = { include_usage: true };
  const call = makeCall({ provider, body, clientWire, operation: clientWire === 'anthropic' ? 'messages' : 'chat' });
  const metered: MeteredRequest[] = [];
  const saved: Array<{ body: string }> = [];
  const deps = {
    config: { ledger: { storeBodies: false } },
    priceBook: { cost: () => cost },
    now: () => 1_000,
    meterSink: { settled: (event: MeteredRequest) => metered.push(event) },
    metrics: { observeUpstreamError() {} },
    ledger: { whenDurable: () => Promise.resolve() },
    cache: { willSave: () => options.cache ?? true, save: (_key: unknown, entry: { body: string }) => saved.push(entry) },
  } as unknown as PipelineDeps;
  const request = { id: 'r', receivedAtMs: 900, wire: clientWire, operation: call.operation, body, headers: {}, principal, signal: undefined, cache: { key: 'k', mode: 'normal' } } as unknown as PipelineRequest;
  const buffers = reads.map((read) => (typeof read === 'string' ? Buffer.from(read) : read));
  const response = {
    status: 200,
    headers: {},
    body:
      options.body ??
      (async function* () {
        yield* buffers;
        if (options.cutAfter) throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
      })(),
    text: async () => '',
    dump: async () => {},
  };
  const result = relayStream({ request, deps, target, adapter, call, response } as Parameters<typeof relayStream>[0]);
  if (result.kind !== 'stream') throw new Error('not a stream');
  const pieces: Array<string | Uint8Array> = [];
  for await (const piece of result.stream) {
    pieces.push(piece);
    options.onPiece?.(piece, pieces.length - 1);
    if (pieces.length === options.leaveAfter) break;
  }
  await new Promise((resolve) => setImmediate(resolve));
  const text = Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece))).toString();
  return { pieces, text, metered, saved };
}

describe('relayStream', () => {
  it('sends a read of unchanged whole events as the upstream\'s very bytes', async () => {
    const reads = [Buffer.from(delta('Par')), Buffer.from(delta('is') + delta('!', 'stop')), Buffer.from(usageOnly + done)];
    const { pieces, text, metered, saved } = await relay(reads, { includeUsage: true });
    expect(pieces[0]).toBe(reads[0]);
    expect(pieces[1]).toBe(reads[1]);
    expect(pieces[2]).toBe(reads[2]);
    expect(text.replace(COST_LINE, '')).toBe(reads.join(''));
    expect(metered[0]!.record).toMatchObject({ inputTokens: 12, outputTokens: 3, estimated: false, servedModel: 'm-served' });
    expect(saved).toHaveLength(1);
    expect(JSON.parse(saved[0]!.body)).toMatchObject({ id: '1', model: 'm-served' });
    expect(saved[0]!.body).toContain('Paris!');
  });

  it('strips the usage-only chunk the client did not ask for (reading its usage), keeps it when asked', async () => {
    const stream = delta('Paris', 'stop') + usageOnly + done;
    const stripped = await relay([stream]);
    expect(stripped.text.replace(COST_LINE, '')).toBe(delta('Paris', 'stop') + done);
    expect(stripped.metered[0]!.record).toMatchObject({ inputTokens: 12, outputTokens: 3, estimated: false });
    // The read after the stripped one is aligned again: it goes as it came.
    const next = Buffer.from(done);
    const split = await relay([delta('Paris', 'stop') + usageOnly, next]);
    expect(split.pieces[1]).toBe(next);
    expect(split.text.replace(COST_LINE, '')).toBe(delta('Paris', 'stop') + done);
    const kept = await relay([stream], { includeUsage: true });
    expect(kept.text.replace(COST_LINE, '')).toBe(stream);
  });

  it('joins an event split across reads, mid-event and mid-multibyte character', async () => {
    const stream = Buffer.from(delta('Ça coûte 5 €') + delta(' 🙂', 'stop') + usageOnly + done);
    const euro = stream.indexOf(Buffer.from('€'));
    const smile = stream.indexOf(Buffer.from('🙂'));
    // Cut inside the euro sign (3 bytes), inside the emoji (4 bytes), and mid-event in ASCII.
    const cuts = [0, 10, euro + 1, euro + 2, smile + 3, stream.length - 5, stream.length];
    const reads = cuts.slice(1).map((end, index) => stream.subarray(cuts[index]!, end));
    const { text, metered, saved } = await relay(reads, { includeUsage: true });
    expect(text.replace(COST_LINE, '')).toBe(stream.toString());
    expect(metered[0]!.record).toMatchObject({ inputTokens: 12, outputTokens: 3, estimated: false });
    expect(saved[0]!.body).toContain('Ça coûte 5 € 🙂');
  });

  it('a read ending with whole events and the first byte of a character is rewritten, so no byte goes out twice', async () => {
    const euro = Buffer.from('€');
    // The parser holds no partial event after the first read (the decoder holds the byte): its bytes are not the events' text.
    const reads = [Buffer.concat([Buffer.from(delta('a')), euro.subarray(0, 1)]), Buffer.concat([euro.subarray(1), Buffer.from(`: comment\n\n${delta('b', 'stop')}`)]), Buffer.from(usageOnly + done)];
    const { text, pieces } = await relay(reads, { includeUsage: true });
    expect(text.replace(COST_LINE, '')).toBe(Buffer.concat(reads).toString());
    expect(typeof pieces[0]).toBe('string');
    expect(pieces[2]).toBe(reads[2]);
  });

  it('drops a leading byte-order mark; one later in the stream is text', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { text, pieces, metered } = await relay([Buffer.concat([bom, Buffer.from(delta('Paris', 'stop'))]), usageOnly + done], { includeUsage: true });
    expect(text.replace(COST_LINE, '')).toBe(delta('Paris', 'stop') + usageOnly + done);
    expect(typeof pieces[0]).toBe('string'); // rewritten: the BOM is not sent on
    expect(metered[0]!.record.outputTokens).toBe(3);
    const later = await relay([delta('a'), Buffer.concat([Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"'), bom, Buffer.from('b"},"finish_reason":"stop"}]}\n\n')]), usageOnly + done], { includeUsage: true });
    expect(later.text).toContain('\uFEFFb');
  });

  it('ends the stream with an error frame for an in-band error, metering what arrived as estimated', async () => {
    const { text, metered, saved } = await relay([delta('Par'), delta('is') + chunk({ error: { message: 'overloaded', type: 'server_error' } })]);
    expect(text.startsWith(delta('Par'))).toBe(true);
    expect(text).not.toContain('"is"');
    expect(text).toContain('"error"');
    expect(text).toContain('upstream: overloaded');
    expect(metered[0]!.record).toMatchObject({ estimated: true, status: 502 });
    expect(saved).toHaveLength(0);
  });

  it('content chunks are not parsed, with the cache off or saving (its fold, after the stream, gets their JSON from their shape)', async () => {
    const words = Array.from({ length: 30 }, (_, index) => ` w${index}`);
    const reads = [delta(''), ...words.map((word) => delta(word)), delta('', 'stop') + usageOnly + done];
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const off = await relay(reads, { cache: false });
      // The first chunk (no token yet), the first token and the probe of its shape, the finish chunk, the usage chunk.
      expect(parse).toHaveBeenCalledTimes(5);
      expect(off.saved).toHaveLength(0);
      expect(off.metered[0]!.record).toMatchObject({ inputTokens: 12, outputTokens: 3, estimated: false, servedModel: 'm-served' });
      expect(off.text.replace(COST_LINE, '')).toBe(delta('') + words.map((word) => delta(word)).join('') + delta('', 'stop') + done);
      parse.mockClear();
      const on = await relay(reads);
      expect(parse).toHaveBeenCalledTimes(5);
      expect(on.saved).toHaveLength(1);
      expect(on.saved[0]!.body).toContain(words.join(''));
      expect(on.metered[0]!.record).toEqual({ ...off.metered[0]!.record, cacheKey: on.metered[0]!.record.cacheKey });
    } finally {
      parse.mockRestore();
    }
  });

  it('a stream cut after content chunks read by their shape is metered with the output tokens its text comes to', async () => {
    const words = Array.from({ length: 30 }, (_, index) => ` word${index}`);
    const body = { model: 'm', stream: true, max_tokens: 5, messages: [{ role: 'user', content: 'What is the capital of France?' }] };
    const expected = estimateUsage(body, words.join(''));
    expect(expected.output.total).toBeGreaterThan(30);
    for (const cache of [false, true]) {
      const { metered, saved, text } = await relay([delta(''), ...words.map((word) => delta(word))], { cache, cutAfter: true });
      expect(metered[0]!.record).toMatchObject({ estimated: true, outputTokens: expected.output.total, inputTokens: expected.input.total });
      expect(metered[0]!.record.status).toBeGreaterThanOrEqual(500);
      expect(text).toContain('"error"');
      expect(saved).toHaveLength(0);
    }
  });

  it('Anthropic wire: passes events through byte for byte (reads cut anywhere), reads cumulative usage', async () => {
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":20,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Paris é"}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ];
    const stream = Buffer.from(events.join(''));
    for (const size of [7, 64, stream.length]) {
      const reads: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) reads.push(stream.subarray(at, at + size));
      const { text, metered, saved, pieces } = await relay(reads, { adapter: createAnthropicAdapter(), clientWire: 'anthropic' });
      expect(text.replace(COST_LINE, '')).toBe(stream.toString());
      expect(metered[0]!.record).toMatchObject({ inputTokens: 20, outputTokens: 4, estimated: false, servedModel: 'claude-x' });
      expect(saved[0]!.body).toContain('Paris é');
      if (size === stream.length) expect(pieces[0]).toBe(reads[0]);
    }
    // Translated to an OpenAI client: rewritten, never the upstream's bytes.
    const translated = await relay([stream], { adapter: createAnthropicAdapter(), clientWire: 'openai', includeUsage: true });
    expect(translated.text).toContain('"content":"Paris é"');
    expect(translated.text).toContain('data: [DONE]');
    expect(translated.metered[0]!.record).toMatchObject({ inputTokens: 20, outputTokens: 4 });
  });

  it('Anthropic wire: content deltas are not parsed, with the cache off or saving (its fold gets their JSON from their shape)', async () => {
    const sse = (name: string, value: unknown) => `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
    const words = Array.from({ length: 30 }, (_, index) => ` w${index}`);
    const textDelta = (text: string) => sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    const reads = [
      sse('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, usage: { input_tokens: 20, output_tokens: 1 } } }),
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      ...words.map(textDelta),
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 31 } }) +
        sse('message_stop', { type: 'message_stop' }),
    ];
    const options = { adapter: createAnthropicAdapter(), clientWire: 'anthropic' as const };
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const off = await relay(reads, { ...options, cache: false });
      // message_start, content_block_start, the first delta and the probe of its shape, content_block_stop, message_delta, message_stop.
      expect(parse).toHaveBeenCalledTimes(7);
      expect(off.saved).toHaveLength(0);
      expect(off.metered[0]!.record).toMatchObject({ inputTokens: 20, outputTokens: 31, estimated: false, servedModel: 'claude-x' });
      expect(off.text.replace(COST_LINE, '')).toBe(reads.join(''));
      parse.mockClear();
      const on = await relay(reads, options);
      expect(parse).toHaveBeenCalledTimes(7);
      parse.mockRestore();
      expect(on.saved).toHaveLength(1);
      expect(JSON.parse(on.saved[0]!.body)).toMatchObject({ model: 'claude-x', content: [{ type: 'text', text: words.join('') }] });
      expect(on.metered[0]!.record).toEqual({ ...off.metered[0]!.record, cacheKey: on.metered[0]!.record.cacheKey });
    } finally {
      parse.mockRestore();
    }
  });
});

describe('relayStream over a Node Readable body (undici\'s)', () => {
  const upstream = () => new Readable({ read() {} });
  const socketError = () => Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });

  it('a read that came with the upstream\'s end goes out with the closing frames, as one piece (one write)', async () => {
    const body = upstream();
    const stream = delta('Paris', 'stop') + usageOnly + done;
    body.push(Buffer.from(stream));
    body.push(null);
    const { pieces, text, metered } = await relay([], { body, includeUsage: true });
    expect(pieces).toHaveLength(1);
    expect(text).toMatch(COST_LINE);
    expect(text.replace(COST_LINE, '')).toBe(stream);
    expect(metered[0]!.record).toMatchObject({ inputTokens: 12, outputTokens: 3, estimated: false, servedModel: 'm-served' });
  });

  it('a read before the end goes out on its own as soon as it is read: the next read comes only once the client has it', async () => {
    const body = upstream();
    const first = Buffer.from(delta('Par'));
    const rest = delta('is', 'stop') + usageOnly + done;
    body.push(first);
    const { pieces, text, metered } = await relay([], {
      body,
      includeUsage: true,
      onPiece: (_piece, index) => {
        if (index > 0) return;
        setImmediate(() => {
          body.push(Buffer.from(rest));
          body.push(null);
        });
      },
    });
    expect(pieces).toHaveLength(2);
    expect(Buffer.from(pieces[0]!).equals(first)).toBe(true);
    expect(Buffer.from(pieces[1]!).toString().replace(COST_LINE, '')).toBe(rest);
    expect(text.replace(COST_LINE, '')).toBe(first.toString() + rest);
    expect(metered[0]!.record).toMatchObject({ outputTokens: 3, estimated: false });
  });

  it('reads that arrived together are relayed as one read', async () => {
    const body = upstream();
    const reads = [delta('Par'), delta('is'), delta('!', 'stop')];
    for (const read of reads) body.push(Buffer.from(read));
    const { pieces, text } = await relay([], {
      body,
      onPiece: (_piece, index) => {
        if (index === 0) setImmediate(() => body.push(null));
      },
    });
    expect(Buffer.from(pieces[0]!).toString()).toBe(reads.join(''));
    expect(text.replace(COST_LINE, '')).toBe(reads.join(''));
  });

  it('a client leaving mid-stream: the upstream body is destroyed (released) and the request metered as the client\'s leaving', async () => {
    const body = upstream();
    body.push(Buffer.from(delta('Par')));
    const { pieces, metered } = await relay([], { body, leaveAfter: 1 });
    expect(pieces).toHaveLength(1);
    expect(body.destroyed).toBe(true);
    expect(metered).toHaveLength(1);
    expect(metered[0]!.record).toMatchObject({ estimated: true, errorCode: 'client_closed' });
  });

  it('an upstream error mid-stream, or a body closed without its end, becomes the client\'s error frame after what arrived', async () => {
    for (const cut of [(body: Readable) => body.destroy(socketError()), (body: Readable) => body.destroy()]) {
      const body = upstream();
      body.push(Buffer.from(delta('Par')));
      const { text, metered } = await relay([], {
        body,
        onPiece: (_piece, index) => {
          if (index === 0) setImmediate(() => cut(body));
        },
      });
      expect(text.startsWith(delta('Par'))).toBe(true);
      expect(text).toContain('"error"');
      expect(text).not.toMatch(COST_LINE);
      expect(metered).toHaveLength(1);
      expect(metered[0]!.record).toMatchObject({ estimated: true });
      expect(metered[0]!.record.status).toBeGreaterThanOrEqual(500);
    }
  });
});
