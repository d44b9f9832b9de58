import { describe, expect, it, vi } from 'vitest';
import { makeCall, providerConfig } from '../testing/harness.ts';
import type { SseEvent, StreamTransformer } from '../types.ts';
import { runSteps, stateReadings, transformerSteps, type Step } from '../testing/stream-steps.ts';
import { createAnthropicAdapter } from './adapter.ts';
import { AnthropicStreamReader } from './stream.ts';

const adapter = createAnthropicAdapter();
const provider = providerConfig('anthropic', 'http://127.0.0.1:1');
const passthrough = () =>
  adapter.createStreamTransformer(makeCall({ provider, body: { model: 'm', stream: true, max_tokens: 5, messages: [] }, clientWire: 'anthropic', operation: 'messages' }));

/** An event as the upstream writes it: its name (undefined: none written) and data. */
type Wire = [name: string | undefined, data: string];

function event([name, data]: Wire): SseEvent {
  return { event: name, data, raw: `${name === undefined ? '' : `event: ${name}\n`}data: ${data}\n\n` };
}

/** The reference: every event parsed and read (what the passthrough did before it learnt shapes). */
function reference(wires: Wire[]): Step[] {
  const reader = new AnthropicStreamReader();
  const { state } = reader;
  return runSteps(wires.map(event), (sse) => (reader.read(sse), [sse.raw]), stateReadings(state));
}

function actual(wires: Wire[]): Step[] {
  return transformerSteps(passthrough(), wires.map(event));
}

const messageStart = (model = 'claude-sonnet-4-5'): Wire => ['message_start', `{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":${JSON.stringify(model)},"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}`];
const blockStart = (index = 0, type = 'text'): Wire => ['content_block_start', type === 'text' ? `{"type":"content_block_start","index":${index},"content_block":{"type":"text","text":""}}` : `{"type":"content_block_start","index":${index},"content_block":{"type":"${type}","${type}":""}}`];
const ping: Wire = ['ping', '{"type": "ping"}'];
const delta = (literal: string, kind = 'text_delta', field = 'text', index = 0, name: string | undefined = 'content_block_delta'): Wire => [name, `{"type":"content_block_delta","index":${index},"delta":{"type":"${kind}","${field}":${literal}}}`];
const text = (value: string, index = 0): Wire => delta(JSON.stringify(value), 'text_delta', 'text', index);
const thinking = (value: string): Wire => delta(JSON.stringify(value), 'thinking_delta', 'thinking');
const json = (value: string, index = 1): Wire => delta(JSON.stringify(value), 'input_json_delta', 'partial_json', index);
const blockStop = (index = 0): Wire => ['content_block_stop', `{"type":"content_block_stop","index":${index}}`];
const messageDelta: Wire = ['message_delta', '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}'];
const messageStop: Wire = ['message_stop', '{"type":"message_stop"}'];

function expectSame(wires: Wire[]): Step[] {
  const steps = actual(wires);
  expect(steps).toEqual(reference(wires));
  return steps;
}

describe('Anthropic passthrough: content deltas read by their shape', () => {
  it('parses only the events that can carry something new: start, first delta, one probe, stop, message delta', () => {
    const words = Array.from({ length: 40 }, (_, index) => ` word${index}`);
    const wires = [messageStart(), blockStart(), ping, ...words.map((word) => text(word)), blockStop(), messageDelta, messageStop];
    const parse = vi.spyOn(JSON, 'parse');
    let transformer: StreamTransformer;
    try {
      transformer = passthrough();
      for (const wire of wires) transformer.push(event(wire));
      // message_start, content_block_start, ping, the first delta, the probe of its shape, content_block_stop, message_delta, message_stop.
      expect(parse).toHaveBeenCalledTimes(8);
    } finally {
      parse.mockRestore();
    }
    expect(transformer.outputText()).toBe(words.join(''));
    expect(transformer.finishReason()).toBe('end_turn');
    expect(transformer.usage()).toMatchObject({ input: { total: 25 }, output: { total: 15 } });
    expect(transformer.servedModel()).toBe('claude-sonnet-4-5');
    expectSame(wires);
  });

  it('thinking, text and tool input deltas: each shape learnt, text in order', () => {
    const wires = [messageStart(), blockStart(0, 'thinking'), thinking('Let me'), thinking(' think'), blockStop(0), blockStart(1), text('So', 1), text(':', 1), blockStop(1), json('{"q"', 2), json(':"Paris"}', 2), json('', 2), messageDelta, messageStop];
    expect(expectSame(wires).at(-1)!.text).toBe('Let me thinkSo:{"q":"Paris"}');
  });

  it("a block's start is no shape: a tool use's start costs no probe", () => {
    const toolStart = (id: string, name: string): Wire => ['content_block_start', `{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"${id}","name":"${name}","input":{}}}`];
    const wires = [messageStart(), text('a'), text('b'), toolStart('toolu_1', 'get_weather'), json('{"q"'), json(':1}'), toolStart('toolu_2', 'get_time')];
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const transformer = passthrough();
      for (const wire of wires) transformer.push(event(wire));
      // message_start, 'a' and its probe, the tool use's start (no probe), '{"q"' and its probe, the second start.
      expect(parse).toHaveBeenCalledTimes(7);
    } finally {
      parse.mockRestore();
    }
    expect(expectSame(wires).at(-1)!.text).toBe('abget_weather{"q":1}get_time');
  });

  it('the event name is part of the shape: the same data under another name is parsed', () => {
    const renamed = (value: string, name: string | undefined): Wire => [name, text(value)[1]];
    const wires = [messageStart(), text('a'), text('x'), renamed('b', undefined), renamed('c', 'other'), text('d')];
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const transformer = passthrough();
      for (const wire of wires.slice(0, 5)) transformer.push(event(wire));
      // message_start, 'a' and its probe ('x' by its shape), then 'b' and 'c' (other names: each parsed, and probed).
      expect(parse).toHaveBeenCalledTimes(7);
      expect(parse.mock.calls.map(([data]) => data)).not.toContain(text('x')[1]);
      expect(parse.mock.calls.map(([data]) => data)).toContain(text('b')[1]);
    } finally {
      parse.mockRestore();
    }
    expect(expectSame(wires).at(-1)!.text).toBe('axbcd');
  });

  it('reads escapes, non-ASCII text and text written with other escapes exactly as a parse would', () => {
    const wires = [messageStart(), text('Ça'), text(' "quoted" \\ back'), text('line\nbreak\ttab'), delta('"\\u00e9t\\u00e9"'), text(' 🙂'), delta('"\\/slash"'), delta('"\\ud83d"'), messageDelta];
    expect(expectSame(wires).at(-1)!.text).toBe('Ça "quoted" \\ backline\nbreak\ttabété 🙂/slash\ud83d');
  });

  it('a delta of the shape whose literal is broken is still a bad upstream', () => {
    for (const broken of ['"a"b"', '"a\\"', '"a\tb"', '"\\x"', '"a" "b"', '"a']) {
      const steps = expectSame([messageStart(), text('a'), text('b'), delta(broken), text('c')]);
      expect(steps.at(-1)!.frames).toMatch(/^upstream_bad_response/);
    }
    for (const spaced of ['"c" ', ' "c"']) expect(expectSame([messageStart(), text('a'), text('b'), delta(spaced)]).at(-1)!.text).toBe('abc');
  });

  it('an in-band error, a message delta and a data-less event after the shape is known behave as before', () => {
    const overloaded: Wire = ['error', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'];
    expect(expectSame([messageStart(), text('a'), text('b'), overloaded]).at(-1)!.frames).toMatch(/^upstream_unavailable: upstream: Overloaded/);
    // The error written under the deltas' name, with the deltas' prefix: not of the shape.
    const disguised: Wire = ['content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"},"type":"error","error":{"message":"e"}}'];
    expect(expectSame([messageStart(), text('a'), text('b'), disguised]).at(-1)!.frames).toMatch(/^upstream_error/);
    expect(expectSame([messageStart(), text('a'), text('b'), ['content_block_delta', 'not json']]).at(-1)!.frames).toMatch(/^upstream_bad_response/);
    expect(expectSame([messageStart(), text('a'), ['content_block_delta', ''], text('b'), messageDelta]).at(-1)).toMatchObject({ text: 'ab', finish: 'end_turn' });
  });

  it('text that is also written elsewhere in the event (or is the probe itself) is read by parsing', () => {
    const steps = expectSame([messageStart(), text('text_delta'), text('content_block_delta'), text('\u0000\u0001'), text('text'), text('x'), text('y')]);
    expect(steps.at(-1)!.text).toBe('text_deltacontent_block_delta\u0000\u0001textxy');
  });

  it('a slot that is a key is no shape (renaming it could change what is read)', () => {
    // The piece "text" is written once as JSON.stringify writes it: as the last key; the delta's first key is `text` escaped.
    const keyed = (key: string): Wire => ['content_block_delta', `{"type":"content_block_delta","index":0,"delta":{"\\u0074ext":"\\u0000\\u0001",${JSON.stringify(key)}:"\\u0074ext"}}`];
    expect(expectSame([messageStart(), keyed('text'), keyed('thinking'), keyed('text')]).at(-1)!.text).toBe('text\u0000\u0001texttext');
  });

  it('agrees with parsing every event on random streams', () => {
    let seed = 4242;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const pieces = ['a', ' b', 'é', '"', '\\', '\n', '🙂', 'text', 'text_delta', 'null', '},{', '\u0000', ''];
    const word = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(pieces)).join('');
    const literal = () => (random() < 0.15 ? pick(['"\\u0061"', '"a"b"', '"\\/"', '"\\ud800"', '"x\\', '""']) : JSON.stringify(word()));
    const kinds: Array<() => Wire> = [
      () => delta(literal()),
      () => delta(literal()),
      () => delta(literal(), 'thinking_delta', 'thinking'),
      () => delta(literal(), 'input_json_delta', 'partial_json', 1),
      () => delta(literal(), pick(['text_delta', 'signature_delta']), pick(['text', 'signature', 'citation']), pick([0, 1]), pick(['content_block_delta', undefined, 'message_delta', 'error'])),
      () => ['content_block_delta', `{"type":${pick(['"content_block_delta"', '"message_delta"', '"error"', '"content_block_start"'])},"index":0,"delta":{"type":"text_delta","text":${literal()}}${pick(['', ',"usage":{"output_tokens":4}', ',"error":{"message":"e"}'])}}`],
      () => ['content_block_start', `{"type":"content_block_start","index":0,"content_block":{"type":${pick(['"text"', '"tool_use"'])},"text":${literal()},"name":${literal()}}}`],
      () => pick([messageStart(), messageStart('other'), blockStart(), blockStop(), ping, messageDelta, messageStop, ['content_block_delta', ''], ['error', '{"type":"error","error":{"message":"e"}}']]),
    ];
    for (let stream = 0; stream < 300; stream += 1) {
      const wires = Array.from({ length: 2 + Math.floor(random() * 12) }, () => pick(kinds)());
      expectSame(wires);
    }
  });
});
