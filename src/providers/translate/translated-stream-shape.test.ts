import { describe, expect, it, vi } from 'vitest';
import { makeCall, providerConfig } from '../testing/harness.ts';
import { runSteps, transformerSteps, type Step } from '../testing/stream-steps.ts';
import { ANTHROPIC_CHUNKS } from '../anthropic/stream.ts';
import { ChunkShape } from '../chunk-shape.ts';
import { OPENAI_CHUNKS } from '../openai/stream.ts';
import type { SseEvent, StreamTransformer } from '../types.ts';
import { anthropicStreamToOpenAi } from './anthropic-stream-to-openai.ts';
import { openAiStreamToAnthropic } from './openai-stream-to-anthropic.ts';

/**
 * The translating transformers read content chunks by their shape (`ChunkShape`), and must do
 * exactly what they do when they parse every upstream event (the reference: the same translator
 * with a shape that never learns): the same frames, the same readings after each event, the same
 * closing frames, and the same JSON for every event to later readers (the response cache's fold).
 */
const referenceOpenAiStreamToAnthropic = (call: ReturnType<typeof messagesCall>) => openAiStreamToAnthropic(call, new ChunkShape(OPENAI_CHUNKS, { learn: false }));
const referenceAnthropicStreamToOpenAi = (call: ReturnType<typeof chatCall>, nowMs: number) => anthropicStreamToOpenAi(call, nowMs, new ChunkShape(ANTHROPIC_CHUNKS, { learn: false }));

const NOW_MS = 1_796_299_616_123;
/** An Anthropic client on an OpenAI upstream. */
const messagesCall = () =>
  makeCall({ provider: providerConfig('openai', 'http://127.0.0.1:1/v1'), body: { model: 'fast', stream: true, max_tokens: 10, messages: [] }, clientWire: 'anthropic', operation: 'messages', upstreamModel: 'gpt-up' });
/** An OpenAI client on an Anthropic upstream. */
const chatCall = (clientWantsStreamUsage: boolean) =>
  makeCall({ provider: providerConfig('anthropic', 'http://127.0.0.1:1'), body: { model: 'fast', stream: true, messages: [] }, upstreamModel: 'claude-up', clientWantsStreamUsage });

/** An event as the upstream writes it: its name (undefined: none written) and data. */
type Wire = [name: string | undefined, data: string];

function event([name, data]: Wire): SseEvent {
  return { event: name, data, raw: `${name === undefined ? '' : `event: ${name}\n`}data: ${data}\n\n` };
}

/** The steps of a transformer, then its closing frames (when no event threw: the relay stops at the first error). */
function stepsAndEnd(steps: Step[], transformer: StreamTransformer): { steps: Step[]; end: string[] | undefined } {
  const threw = typeof steps.at(-1)?.frames === 'string';
  return { steps, end: threw ? undefined : transformer.end() };
}

function referenceRun(transformer: StreamTransformer, wires: Wire[]) {
  const read = () => ({ text: transformer.outputText(), model: transformer.servedModel(), finish: transformer.finishReason(), usage: transformer.usage(), firstToken: transformer.hasFirstToken() });
  return stepsAndEnd(runSteps(wires.map(event), (sse) => transformer.push(sse), read), transformer);
}

function actualRun(transformer: StreamTransformer, wires: Wire[]) {
  return stepsAndEnd(transformerSteps(transformer, wires.map(event)), transformer);
}

function expectSameOpenAiUpstream(wires: Wire[]): Step[] {
  const actual = actualRun(openAiStreamToAnthropic(messagesCall()), wires);
  expect(actual).toEqual(referenceRun(referenceOpenAiStreamToAnthropic(messagesCall()), wires));
  return actual.steps;
}

function expectSameAnthropicUpstream(wires: Wire[]): Step[] {
  let steps: Step[] = [];
  for (const wants of [false, true]) {
    const actual = actualRun(anthropicStreamToOpenAi(chatCall(wants), NOW_MS), wires);
    expect(actual).toEqual(referenceRun(referenceAnthropicStreamToOpenAi(chatCall(wants), NOW_MS), wires));
    steps = actual.steps;
  }
  return steps;
}

/** How many times JSON.parse runs while the events are pushed (up to the first that throws: the relay stops there), and the stream ended. */
function parsesWhilePushing(transformer: StreamTransformer, wires: Wire[]): number {
  const parse = vi.spyOn(JSON, 'parse');
  try {
    try {
      for (const wire of wires) transformer.push(event(wire));
      transformer.end();
    } catch {
      // counted up to here
    }
    return parse.mock.calls.length;
  } finally {
    parse.mockRestore();
  }
}

function seeded(seed: number) {
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const pieces = ['a', ' b', 'é', '"', '\\', '\n', '\t', '🙂', '日本', '\u2028', 'null', '},{', '\u0000', 'content', 'text', 'text_delta', 'gpt-4o-mini', ''];
  const word = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(pieces)).join('');
  const literal = () => (random() < 0.15 ? pick(['"\\u0061"', '"a"b"', '"\\/"', '"\\ud800"', '"x\\', '""', '"\\u00e9t\\u00e9"']) : JSON.stringify(word()));
  return { random, pick, word, literal };
}

// OpenAI upstream chunks.
const head = (model = 'gpt-4o-mini', id = 'chatcmpl-9') => `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":1796299616,"model":${JSON.stringify(model)},"system_fingerprint":"fp_x","choices":[{"index":0,`;
const oaDelta = (delta: string, { model, tail = '"usage":null}', finish = 'null' }: { model?: string; tail?: string; finish?: string } = {}): Wire => [undefined, `${head(model)}"delta":{${delta}},"logprobs":null,"finish_reason":${finish}}],${tail}`];
const oaText = (value: string): Wire => oaDelta(`"content":${JSON.stringify(value)}`);
const oaPadded = (value: string, pad: string): Wire => oaDelta(`"content":${JSON.stringify(value)}`, { tail: `"usage":null,"obfuscation":${JSON.stringify(pad)}}` });
const oaReasoning = (value: string, field = 'reasoning_content'): Wire => oaDelta(`${JSON.stringify(field)}:${JSON.stringify(value)}`);
const oaToolStart = (index: number, id: string, name: string): Wire => oaDelta(`"tool_calls":[{"index":${index},"id":${JSON.stringify(id)},"type":"function","function":{"name":${JSON.stringify(name)},"arguments":""}}]`);
const oaToolArgs = (index: number, literal: string): Wire => oaDelta(`"tool_calls":[{"index":${index},"function":{"arguments":${literal}}}]`);
const oaRole: Wire = oaDelta('"role":"assistant","content":"","refusal":null');
const oaFinish = (reason = 'stop'): Wire => oaDelta('', { finish: JSON.stringify(reason) });
const oaUsage: Wire = [undefined, '{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1796299616,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":14,"total_tokens":34,"prompt_tokens_details":{"cached_tokens":8}}}'];
const oaDone: Wire = [undefined, '[DONE]'];

// Anthropic upstream events.
const messageStart = (model = 'claude-sonnet-4-5', id = 'msg_01'): Wire => ['message_start', `{"type":"message_start","message":{"id":${JSON.stringify(id)},"type":"message","role":"assistant","model":${JSON.stringify(model)},"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":3,"output_tokens":1}}}`];
const blockStart = (index = 0, type = 'text'): Wire => ['content_block_start', type === 'text' ? `{"type":"content_block_start","index":${index},"content_block":{"type":"text","text":""}}` : `{"type":"content_block_start","index":${index},"content_block":{"type":"${type}","${type}":""}}`];
const toolStart = (index: number, id: string, name: string): Wire => ['content_block_start', `{"type":"content_block_start","index":${index},"content_block":{"type":"tool_use","id":${JSON.stringify(id)},"name":${JSON.stringify(name)},"input":{}}}`];
const anDelta = (literal: string, kind = 'text_delta', field = 'text', index = 0, name: string | undefined = 'content_block_delta'): Wire => [name, `{"type":"content_block_delta","index":${index},"delta":{"type":"${kind}","${field}":${literal}}}`];
const anText = (value: string, index = 0): Wire => anDelta(JSON.stringify(value), 'text_delta', 'text', index);
const anThinking = (value: string, index = 0): Wire => anDelta(JSON.stringify(value), 'thinking_delta', 'thinking', index);
const anJson = (value: string, index = 1): Wire => anDelta(JSON.stringify(value), 'input_json_delta', 'partial_json', index);
const blockStop = (index = 0): Wire => ['content_block_stop', `{"type":"content_block_stop","index":${index}}`];
const ping: Wire = ['ping', '{"type": "ping"}'];
const messageDelta = (stop = '"end_turn"'): Wire => ['message_delta', `{"type":"message_delta","delta":{"stop_reason":${stop},"stop_sequence":null},"usage":{"output_tokens":15}}`];
const messageStop: Wire = ['message_stop', '{"type":"message_stop"}'];

describe('OpenAI upstream, Anthropic client: content chunks read by their shape', () => {
  it('parses only the chunks that can carry something new, and translates as before', () => {
    const words = Array.from({ length: 40 }, (_, index) => ` word${index}`);
    const wires = [oaRole, ...words.map(oaText), oaFinish(), oaUsage, oaDone];
    const parses = parsesWhilePushing(openAiStreamToAnthropic(messagesCall()), wires);
    // The role chunk, the first content chunk, the probe of its shape, the finish chunk, the usage chunk.
    expect(parses).toBe(5);
    expect(parsesWhilePushing(referenceOpenAiStreamToAnthropic(messagesCall()), wires)).toBe(43);
    const steps = expectSameOpenAiUpstream(wires);
    expect(steps.at(-1)).toMatchObject({ text: words.join(''), finish: 'stop', model: 'gpt-4o-mini' });
  });

  it('reasoning, text, several tool calls, padding, escapes and a changing model: the same events', () => {
    const wires = [
      oaRole,
      oaReasoning('Plan'),
      oaReasoning('. '),
      oaReasoning('more', 'reasoning'),
      oaPadded('Ça "q" \\', 'x1'),
      oaPadded('line\nbreak🙂', 'Kq7wZ'),
      oaDelta('"content":"\\u00e9t\\u00e9"'),
      oaDelta('"content":"b"', { model: 'other' }),
      oaToolStart(0, 'call_a', 'get_weather'),
      oaToolArgs(0, '"{\\"city\\""'),
      oaToolArgs(0, '":\\"Paris\\"}"'),
      oaToolStart(1, 'call_b', 'get_time'),
      oaToolArgs(1, '"{}"'),
      oaText('after'),
      oaFinish('tool_calls'),
      oaUsage,
      oaDone,
    ];
    expect(expectSameOpenAiUpstream(wires).at(-1)).toMatchObject({ finish: 'tool_calls', text: 'Plan. moreÇa "q" \\line\nbreak🙂étébget_weather{"city":"Paris"}get_time{}after' });
  });

  it('agrees with the parsing translator on random streams', () => {
    const { random, pick, word, literal } = seeded(777);
    const kinds: Array<() => Wire> = [
      () => oaDelta(`"content":${literal()}`),
      () => oaDelta(`"content":${literal()}`),
      () => oaDelta(`"content":${literal()}`, { tail: `"usage":null,"obfuscation":${JSON.stringify(word())}}` }),
      () => oaDelta(`"content":${literal()}`, { model: pick(['gpt-4o-mini', 'other']) }),
      () => oaDelta(`"content":${literal()}`, { tail: pick(['"usage":{"prompt_tokens":3,"completion_tokens":1}}', '"usage" : null}', '"usage":null,"x":1}']) }),
      () => oaDelta(`"content":${literal()}`, { finish: pick(['null', '"stop"', '"length"']) }),
      () => oaDelta(`${pick(['"reasoning_content"', '"reasoning"'])}:${literal()}`),
      () => oaToolStart(pick([0, 1, 2]), pick(['call_a', 'call_b']), word()),
      () => oaToolArgs(pick([0, 1]), literal()),
      () => oaDelta(`"tool_calls":[{"index":${pick([0, 1])},"id":"call_x","type":"function"}],"content":${literal()}`),
      () => oaDelta(`"content":${literal()},"reasoning_content":${pick(['""', 'null', literal()])}`),
      () => pick([oaRole, oaFinish(), oaFinish('length'), oaFinish('tool_calls'), oaUsage, oaDone, [undefined, ''], [undefined, '{"error":{"message":"e"}}'], [undefined, '{"choices":[]}'], [undefined, 'not json']]),
    ];
    for (let stream = 0; stream < 400; stream += 1) {
      const wires = Array.from({ length: 2 + Math.floor(random() * 20) }, () => pick(kinds)());
      expectSameOpenAiUpstream(wires);
    }
  });

  it('agrees with the parsing translator on random well-formed streams, with fewer parses', () => {
    const { random, pick, word } = seeded(31337);
    let actualParses = 0;
    let referenceParses = 0;
    for (let stream = 0; stream < 300; stream += 1) {
      const padded = random() < 0.5;
      const text = (value: string): Wire => (padded ? oaPadded(value, word().replace(/["\\\u0000-\u001f]/g, '')) : oaText(value));
      const wires: Wire[] = [oaRole];
      const runs = 1 + Math.floor(random() * 4);
      for (let run = 0; run < runs; run += 1) {
        const length = 3 + Math.floor(random() * 25);
        const kind = pick(['text', 'text', 'reasoning', 'tool']);
        if (kind === 'tool') wires.push(oaToolStart(run, `call_${run}`, word()));
        for (let index = 0; index < length; index += 1) {
          const value = word() || 'x';
          wires.push(kind === 'text' ? text(value) : kind === 'reasoning' ? oaReasoning(value) : oaToolArgs(run, JSON.stringify(value)));
        }
      }
      wires.push(oaFinish(pick(['stop', 'length', 'tool_calls'])));
      if (random() < 0.7) wires.push(oaUsage);
      if (random() < 0.9) wires.push(oaDone);
      expectSameOpenAiUpstream(wires);
      const actual = parsesWhilePushing(openAiStreamToAnthropic(messagesCall()), wires);
      const reference = parsesWhilePushing(referenceOpenAiStreamToAnthropic(messagesCall()), wires);
      // A stream's shapes cost at most 4 probes; a delta with escapes parses its literal (a small string) instead of the chunk.
      expect(actual).toBeLessThanOrEqual(reference + 4);
      actualParses += actual;
      referenceParses += reference;
    }
    expect(actualParses).toBeLessThan(referenceParses);
  });
});

describe('Anthropic upstream, OpenAI client: content deltas read by their shape', () => {
  it('parses only the events that can carry something new, and translates as before', () => {
    const words = Array.from({ length: 40 }, (_, index) => ` word${index}`);
    const wires = [messageStart(), blockStart(), ping, ...words.map((word) => anText(word)), blockStop(), messageDelta(), messageStop];
    // message_start, content_block_start, ping, the first delta, the probe of its shape, content_block_stop, message_delta, message_stop.
    expect(parsesWhilePushing(anthropicStreamToOpenAi(chatCall(true), NOW_MS), wires)).toBe(8);
    expect(parsesWhilePushing(referenceAnthropicStreamToOpenAi(chatCall(true), NOW_MS), wires)).toBe(46);
    const steps = expectSameAnthropicUpstream(wires);
    expect(steps.at(-1)).toMatchObject({ text: words.join(''), finish: 'end_turn', model: 'claude-sonnet-4-5' });
  });

  it('thinking, text in several blocks, tool input, escapes: the same events', () => {
    const wires = [
      messageStart(),
      blockStart(0, 'thinking'),
      anThinking('Let me'),
      anThinking(' think'),
      blockStop(0),
      blockStart(1),
      anText('Ça "q" \\', 1),
      anText('line\nbreak🙂', 1),
      anDelta('"\\u00e9t\\u00e9"', 'text_delta', 'text', 1),
      blockStop(1),
      toolStart(2, 'toolu_1', 'get_weather'),
      anJson('{"city"', 2),
      anJson(':"Paris"}', 2),
      blockStop(2),
      toolStart(3, 'toolu_2', 'get_time'),
      anJson('{}', 3),
      messageDelta('"tool_use"'),
      messageStop,
    ];
    expect(expectSameAnthropicUpstream(wires).at(-1)).toMatchObject({ finish: 'tool_use', text: 'Let me thinkÇa "q" \\line\nbreak🙂étéget_weather{"city":"Paris"}get_time{}' });
  });

  it('agrees with the parsing translator on random streams', () => {
    const { random, pick, word, literal } = seeded(9001);
    const kinds: Array<() => Wire> = [
      () => anDelta(literal()),
      () => anDelta(literal()),
      () => anDelta(literal(), 'text_delta', 'text', pick([0, 1])),
      () => anDelta(literal(), 'thinking_delta', 'thinking'),
      () => anDelta(literal(), 'input_json_delta', 'partial_json', pick([1, 2, 5])),
      () => anDelta(literal(), pick(['text_delta', 'signature_delta']), pick(['text', 'signature', 'citation']), pick([0, 1]), pick(['content_block_delta', undefined, 'message_delta', 'error'])),
      () => ['content_block_delta', `{"type":${pick(['"content_block_delta"', '"message_delta"', '"error"', '"content_block_start"'])},"index":0,"delta":{"type":"text_delta","text":${literal()}}${pick(['', ',"usage":{"output_tokens":4}', ',"error":{"message":"e"}'])}}`],
      () => ['content_block_start', `{"type":"content_block_start","index":${pick([0, 1, 2])},"content_block":{"type":${pick(['"text"', '"tool_use"'])},"id":"toolu_${pick([1, 2])}","text":${literal()},"name":${literal()}}}`],
      () => toolStart(pick([1, 2]), pick(['toolu_1', 'toolu_2']), word()),
      () => pick([messageStart(), messageStart('other', 'msg_02'), blockStart(), blockStart(1, 'thinking'), blockStop(), ping, messageDelta(), messageDelta('null'), messageDelta('"max_tokens"'), messageStop, ['content_block_delta', ''], ['error', '{"type":"error","error":{"message":"e"}}'], ['content_block_delta', 'not json']]),
    ];
    for (let stream = 0; stream < 400; stream += 1) {
      const wires = Array.from({ length: 2 + Math.floor(random() * 20) }, () => pick(kinds)());
      expectSameAnthropicUpstream(wires);
    }
  });

  it('agrees with the parsing translator on random well-formed streams, with fewer parses', () => {
    const { random, pick, word } = seeded(4711);
    let actualParses = 0;
    let referenceParses = 0;
    for (let stream = 0; stream < 300; stream += 1) {
      const wires: Wire[] = [messageStart(pick(['claude-sonnet-4-5', 'claude-haiku']), `msg_${stream}`)];
      const blocks = 1 + Math.floor(random() * 4);
      for (let block = 0; block < blocks; block += 1) {
        const length = 3 + Math.floor(random() * 25);
        const kind = pick(['text', 'text', 'thinking', 'tool']);
        wires.push(kind === 'tool' ? toolStart(block, `toolu_${block}`, word()) : blockStart(block, kind));
        for (let index = 0; index < length; index += 1) {
          const value = word() || 'x';
          wires.push(kind === 'text' ? anText(value, block) : kind === 'thinking' ? anThinking(value, block) : anJson(value, block));
          if (random() < 0.05) wires.push(ping);
        }
        wires.push(blockStop(block));
      }
      wires.push(messageDelta(pick(['"end_turn"', '"max_tokens"', '"tool_use"'])));
      if (random() < 0.9) wires.push(messageStop);
      expectSameAnthropicUpstream(wires);
      const actual = parsesWhilePushing(anthropicStreamToOpenAi(chatCall(true), NOW_MS), wires);
      const reference = parsesWhilePushing(referenceAnthropicStreamToOpenAi(chatCall(true), NOW_MS), wires);
      // A stream's shapes cost at most 4 probes; a delta with escapes parses its literal (a small string) instead of the chunk.
      expect(actual).toBeLessThanOrEqual(reference + 4);
      actualParses += actual;
      referenceParses += reference;
    }
    expect(actualParses).toBeLessThan(referenceParses);
  });
});
