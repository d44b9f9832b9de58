import { describe, expect, it, vi } from 'vitest';
import { StreamState } from '../stream-state.ts';
import { makeCall, providerConfig } from '../testing/harness.ts';
import type { SseEvent, StreamTransformer } from '../types.ts';
import { runSteps, stateReadings, transformerSteps, type Step } from '../testing/stream-steps.ts';
import { createOpenAiAdapter } from './adapter.ts';
import { isUsageOnlyChunk, readOpenAiChunk } from './stream.ts';

const adapter = createOpenAiAdapter('openai');
const provider = providerConfig('openai', 'http://127.0.0.1:1/v1');
const passthrough = (clientWantsStreamUsage = false) =>
  adapter.createStreamTransformer(makeCall({ provider, body: { model: 'm', stream: true, messages: [] }, clientWantsStreamUsage }));

function event(data: string): SseEvent {
  return { event: undefined, data, raw: `data: ${data}\n\n` };
}

/** The reference: every event parsed and read (what the passthrough did before it learnt shapes). */
function reference(datas: string[], clientWantsStreamUsage = false): Step[] {
  const state = new StreamState();
  return runSteps(datas.map(event), (sse) => {
    const chunk = readOpenAiChunk(sse, state);
    return chunk && !clientWantsStreamUsage && isUsageOnlyChunk(chunk) ? [] : [sse.raw];
  }, stateReadings(state));
}

function actual(datas: string[], clientWantsStreamUsage = false): Step[] {
  return transformerSteps(passthrough(clientWantsStreamUsage), datas.map(event));
}

const head = (model = 'gpt-4o-mini') => `{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1796299616,"model":${JSON.stringify(model)},"system_fingerprint":"fp_x","choices":[{"index":0,`;
const content = (literal: string, model?: string, tail = '"usage":null}') => `${head(model)}"delta":{"content":${literal}},"logprobs":null,"finish_reason":null}],${tail}`;
const text = (value: string, model?: string) => content(JSON.stringify(value), model);
const roleChunk = `${head()}"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}`;
const finishChunk = `${head()}"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}`;
const usageChunk = '{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1796299616,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":14,"total_tokens":34}}';

function expectSame(datas: string[]): Step[] {
  for (const wants of [false, true]) expect(actual(datas, wants)).toEqual(reference(datas, wants));
  return actual(datas);
}

describe('OpenAI passthrough: content chunks read by their shape', () => {
  it('parses only the chunks that can carry something new: the first ones, one probe, finish, usage', () => {
    const words = Array.from({ length: 40 }, (_, index) => ` word${index}`);
    const datas = [roleChunk, ...words.map((word) => text(word)), finishChunk, usageChunk, '[DONE]'];
    const parse = vi.spyOn(JSON, 'parse');
    let transformer: StreamTransformer;
    try {
      transformer = passthrough();
      for (const data of datas) transformer.push(event(data));
      // The role chunk, the first content chunk, the probe of its shape, the finish chunk, the usage chunk.
      expect(parse).toHaveBeenCalledTimes(5);
    } finally {
      parse.mockRestore();
    }
    expect(transformer.outputText()).toBe(words.join(''));
    expect(transformer.finishReason()).toBe('stop');
    expect(transformer.usage()?.output.total).toBe(14);
    expect(transformer.servedModel()).toBe('gpt-4o-mini');
    expectSame(datas);
  });

  it('reads a usage chunk however it is spaced, and a chunk of the same shape but with usage or a finish reason', () => {
    const spaced = '{"id":"chatcmpl-9","choices":[],"usage" : {"prompt_tokens" : 12,\t"completion_tokens": 3 } }';
    const steps = expectSame([roleChunk, text('a'), text('b'), spaced]);
    expect(steps.at(-1)).toMatchObject({ text: 'ab', frames: [] });
    expect((steps.at(-1)!.usage as { input: { total: number } }).input.total).toBe(12);
    // Same prefix as the content chunks, other ends: parsed, so their usage and finish reason are read.
    const withUsage = content('"c"', undefined, '"usage" :{"prompt_tokens":7,"completion_tokens":2}}');
    const withFinish = `${head()}"delta":{"content":"d"},"logprobs":null,"finish_reason" : "length"}],"usage":null}`;
    const mixed = expectSame([roleChunk, text('a'), text('b'), withUsage, text('e'), withFinish, text('f')]);
    expect(mixed.at(-1)).toMatchObject({ text: 'abcedf', finish: 'length' });
    expect((mixed.at(-1)!.usage as { output: { total: number } }).output.total).toBe(2);
  });

  it('reads escapes, non-ASCII text and text written with other escapes exactly as a parse would', () => {
    const datas = [roleChunk, text('Ça'), text(' "quoted" \\ back'), text('line\nbreak\ttab'), content('"\\u00e9t\\u00e9"'), text(' 🙂'), content('"\\/slash"'), content('"\\ud83d"'), finishChunk, usageChunk];
    const steps = expectSame(datas);
    expect(steps.at(-1)!.text).toBe('Ça "quoted" \\ backline\nbreak\ttabété 🙂/slash\ud83d');
  });

  it('a chunk of the shape whose literal is broken is still a bad upstream', () => {
    for (const broken of ['"a"b"', '"a\\"', '"a\tb"', '"\\x"', '"a" "b"', '"a']) {
      const steps = expectSame([roleChunk, text('a'), text('b'), content(broken), text('c')]);
      expect(steps.at(-1)!.frames).toMatch(/^upstream_bad_response/);
    }
    // Broken padding on a chunk of the padded shape: the chunk is parsed, and found broken.
    const padded = (literal: string, pad: string) => content(literal, undefined, `"usage":null,"obfuscation":${pad}}`);
    for (const pad of ['"x\ty"', '"\\x"', '"a"b"', 'x"']) {
      const steps = expectSame([roleChunk, padded('"a"', '"p"'), padded('"b"', '"qq"'), padded('"c"', pad), padded('"d"', '"r"')]);
      expect(steps.at(-1)!.frames).toMatch(/^upstream_bad_response/);
    }
    // Space around the literal is JSON all the same (parsed: it is not the shape's cut).
    for (const spaced of ['"c" ', ' "c"']) expect(expectSame([roleChunk, text('a'), text('b'), content(spaced)]).at(-1)!.text).toBe('abc');
  });

  it('a chunk that carries a finish reason gives no shape: each is parsed', () => {
    const finishing = (value: string, finish: string) => `${head()}"delta":{"content":${JSON.stringify(value)}},"finish_reason":${JSON.stringify(finish)}}],"usage":null}`;
    const steps = expectSame([roleChunk, finishing('a', 'length'), finishing('b', 'length'), finishChunk, finishing('c', 'length')]);
    expect(steps.at(-1)).toMatchObject({ text: 'abc', finish: 'length' });
  });

  it('a served model that changes mid-stream is read as a parse reads it', () => {
    const steps = expectSame([roleChunk, text('a'), text('b'), text('c', 'other-model'), text('d', 'other-model'), text('e'), finishChunk]);
    expect(steps.map((step) => step.model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini', 'other-model', 'other-model', 'gpt-4o-mini', 'gpt-4o-mini']);
  });

  it("OpenAI's obfuscation padding, different in every chunk, does not stop the shape", () => {
    const padded = (value: string, pad: string) => content(JSON.stringify(value), undefined, `"usage":null,"obfuscation":${JSON.stringify(pad)}}`);
    const datas = [roleChunk, padded('Hel', 'x1'), padded('lo', 'Kq7wZ'), padded(' wor', ''), padded('ld', 'a"b'), padded('!', 'p\\q'), finishChunk, usageChunk];
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const transformer = passthrough();
      for (const data of datas.slice(0, 4)) transformer.push(event(data));
      // The role chunk, the first content chunk and its probe; 'lo' and ' wor' by their shape.
      expect(parse).toHaveBeenCalledTimes(3);
    } finally {
      parse.mockRestore();
    }
    expect(expectSame(datas).at(-1)!.text).toBe('Hello world!');
    // A field named obfuscation that is not the top-level one is no padding.
    const nested = (value: string, pad: string) => `{"id":"c","choices":[{"index":0,"delta":{"content":${JSON.stringify(value)}},"finish_reason":null,"obfuscation":${JSON.stringify(pad)}}]}`;
    expect(expectSame([nested('a', 'x'), nested('b', 'yy'), nested('c', 'z')]).at(-1)!.text).toBe('abc');
  });

  it('reasoning, tool calls and legacy completions: each shape learnt, text in order', () => {
    const reasoning = (value: string) => `${head()}"delta":{"reasoning_content":${JSON.stringify(value)}},"finish_reason":null}],"usage":null}`;
    const tool = (value: string) => `${head()}"delta":{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(value)}}}]},"finish_reason":null}],"usage":null}`;
    const legacy = (value: string) => `{"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"index":0,"text":${JSON.stringify(value)},"finish_reason":null}]}`;
    const datas = [roleChunk, reasoning('think'), reasoning('ing'), text('So'), text(':'), tool('{"q"'), tool(':"Paris"}'), legacy('old'), legacy('er'), finishChunk];
    expect(expectSame(datas).at(-1)!.text).toBe('thinkingSo:{"q":"Paris"}older');
  });

  it('an in-band error, a non-JSON event and comments after the shape is known behave as before', () => {
    const error = '{"error":{"message":"overloaded","type":"server_error"}}';
    expect(expectSame([roleChunk, text('a'), text('b'), error]).at(-1)!.frames).toMatch(/^upstream_error: upstream: overloaded/);
    expect(expectSame([roleChunk, text('a'), text('b'), 'not json']).at(-1)!.frames).toMatch(/^upstream_bad_response/);
    expect(expectSame([roleChunk, text('a'), '', text('b'), '[DONE]']).at(-1)!.text).toBe('ab');
  });

  it('text that is also written elsewhere in the chunk (or is the probe itself) is read by parsing', () => {
    const steps = expectSame([roleChunk, text('gpt-4o-mini'), text('fp_x'), text('\u0000\u0001'), text('x'), text('y')]);
    expect(steps.at(-1)!.text).toBe('gpt-4o-minifp_x\u0000\u0001xy');
  });

  it('a slot that is a key is no shape (renaming it could change what is read)', () => {
    // The piece "content" is written once as JSON.stringify writes it: as the last key; the delta's first key is `content` escaped.
    const keyed = (key: string) => `${head()}"delta":{"\\u0063ontent":"\\u0000\\u0001",${JSON.stringify(key)}:"\\u0063ontent"},"finish_reason":null}],"usage":null}`;
    expect(expectSame([roleChunk, keyed('content'), keyed('reasoning_content'), keyed('content')]).at(-1)!.text).toBe('content\u0000\u0001contentcontent');
  });

  it('agrees with parsing every chunk on random streams', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const pieces = ['a', ' b', 'é', '"', '\\', '\n', '🙂', 'gpt-4o-mini', 'null', '},{', '\u0000', ''];
    const word = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(pieces)).join('');
    const literal = () => (random() < 0.15 ? pick(['"\\u0061"', '"a"b"', '"\\/"', '"\\ud800"', '"x\\', '""']) : JSON.stringify(word()));
    const kinds = [
      () => content(literal()),
      () => content(literal()),
      () => content(literal(), undefined, `"usage":null,"obfuscation":${JSON.stringify(word())}}`),
      () => content(literal(), pick(['gpt-4o-mini', 'other'])),
      () => content(literal(), undefined, pick(['"usage":{"prompt_tokens":3,"completion_tokens":1}}', '"usage" : null}', '"usage":null,"x":1}'])),
      () => `${head()}"delta":{"content":${literal()}},"finish_reason":${pick(['null', '"stop"', '"length"'])}}],"usage":null}`,
      () => pick([roleChunk, finishChunk, usageChunk, '[DONE]', '', '{"error":{"message":"e"}}', '{"choices":[]}']),
    ];
    for (let stream = 0; stream < 300; stream += 1) {
      const datas = Array.from({ length: 2 + Math.floor(random() * 12) }, () => pick(kinds)());
      expectSame(datas);
    }
  });
});
