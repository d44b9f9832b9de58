import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/index.ts';
import { createSseParser } from './sse-parser.ts';
import type { SseEvent } from './types.ts';

const LITERAL =
  'data: {"id":"1","choices":[{"delta":{"content":"Hel"}}]}\n\n' +
  ': keep-alive comment\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"lo"}}\n\n' +
  'data: line one\ndata: line two\n\n' +
  'data: [DONE]\n\n';

function parseWhole(text: string): SseEvent[] {
  const parser = createSseParser();
  return [...parser.push(text), ...parser.flush()];
}

function parseInPieces(pieces: string[]): SseEvent[] {
  const parser = createSseParser();
  const events: SseEvent[] = [];
  for (const piece of pieces) events.push(...parser.push(piece));
  events.push(...parser.flush());
  return events;
}

let mock: MockProvider;
/** Real streams from the mock provider: OpenAI chat with usage and Anthropic Messages with a tool call. */
let realStream = '';

beforeAll(async () => {
  mock = await startMockProvider();
  const openAi = await fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'mock-small',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Tell me about the weather in Paris' }],
      mock: { text: 'Il fait beau à Paris — 🌞 aujourd’hui.', usage: { input: 12, cacheRead: 4 } },
    }),
  });
  const anthropic = await fetch(`${mock.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-mock',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      mock: { tool: { name: 'get_weather', arguments: { city: 'Paris' } } },
    }),
  });
  realStream = (await openAi.text()) + ': comment between streams\n\n' + (await anthropic.text());
});
afterAll(() => mock.close());

describe('createSseParser', () => {
  it('parses events, named events, multi-line data and comments', () => {
    const events = parseWhole(LITERAL);
    expect(events.map((e) => e.data)).toEqual([
      '{"id":"1","choices":[{"delta":{"content":"Hel"}}]}',
      '',
      '{"type":"content_block_delta","delta":{"text":"lo"}}',
      'line one\nline two',
      '[DONE]',
    ]);
    expect(events.map((e) => e.event)).toEqual([undefined, undefined, 'content_block_delta', undefined, undefined]);
    expect(events[1]?.raw).toBe(': keep-alive comment\n\n');
    expect(events.map((e) => e.raw).join('')).toBe(LITERAL);
  });

  it('reads a real stream: every data payload is JSON or [DONE], and raw reassembles the bytes', () => {
    const events = parseWhole(realStream);
    expect(events.length).toBeGreaterThan(10);
    expect(events.map((e) => e.raw).join('')).toBe(realStream);
    for (const event of events) {
      if (event.data === '' || event.data === '[DONE]') continue;
      expect(() => JSON.parse(event.data)).not.toThrow();
    }
    expect(events.filter((e) => e.event === 'content_block_delta').length).toBeGreaterThan(0);
    expect(events.some((e) => e.data === '[DONE]')).toBe(true);
  });

  it('gives the same events whatever the chunking: split at every offset of a real stream', () => {
    const whole = parseWhole(realStream);
    for (let cut = 1; cut < realStream.length; cut += 1) {
      expect(parseInPieces([realStream.slice(0, cut), realStream.slice(cut)])).toEqual(whole);
    }
  });

  it('gives the same events fed one character at a time, and in three uneven pieces', () => {
    const whole = parseWhole(realStream);
    expect(parseInPieces([...realStream])).toEqual(whole);
    const step = Math.floor(realStream.length / 7);
    for (let first = 1; first < realStream.length; first += 13) {
      const second = Math.min(realStream.length, first + step);
      expect(parseInPieces([realStream.slice(0, first), realStream.slice(first, second), realStream.slice(second)])).toEqual(whole);
    }
  });

  it('handles CRLF line ends at every split offset, keeping raw byte-exact', () => {
    const crlf = LITERAL.replaceAll('\n', '\r\n');
    const whole = parseWhole(crlf);
    expect(whole.map((e) => e.data)).toEqual(parseWhole(LITERAL).map((e) => e.data));
    expect(whole.map((e) => e.raw).join('')).toBe(crlf);
    for (let cut = 1; cut < crlf.length; cut += 1) {
      expect(parseInPieces([crlf.slice(0, cut), crlf.slice(cut)])).toEqual(whole);
    }
  });

  it('handles lone CR line ends and mixed line ends', () => {
    const cr = LITERAL.replaceAll('\n', '\r');
    expect(parseWhole(cr).map((e) => e.data)).toEqual(parseWhole(LITERAL).map((e) => e.data));
    for (let cut = 1; cut < cr.length; cut += 1) {
      expect(parseInPieces([cr.slice(0, cut), cr.slice(cut)]).map((e) => e.data)).toEqual(parseWhole(LITERAL).map((e) => e.data));
    }
    const mixed = 'data: a\r\r\ndata: b\n\r\nevent: x\rdata: c\r\n\n';
    expect(parseWhole(mixed).map((e) => [e.event, e.data])).toEqual([
      [undefined, 'a'],
      [undefined, 'b'],
      ['x', 'c'],
    ]);
    expect(parseWhole(mixed).map((e) => e.raw).join('')).toBe(mixed);
  });

  it('returns a final event without its blank line on flush, and nothing for trailing blank lines', () => {
    const parser = createSseParser();
    const events = parser.push('event: ping\r\ndata: {"a":1}\r\n\r\ndata: tail');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'ping', data: '{"a":1}', raw: 'event: ping\r\ndata: {"a":1}\r\n\r\n' });
    expect(parser.flush()).toEqual([{ event: undefined, data: 'tail', raw: 'data: tail' }]);
    expect(parser.flush()).toEqual([]);
    const blank = createSseParser();
    expect([...blank.push('data: x\n\n\n\n'), ...blank.flush()].map((e) => e.data)).toEqual(['x']);
  });

  it('keeps extra blank lines in the next event raw so relaying raw reproduces the stream', () => {
    const text = 'data: 1\n\n\n\ndata: 2\n\n';
    const events = parseWhole(text);
    expect(events.map((e) => e.data)).toEqual(['1', '2']);
    expect(events.map((e) => e.raw).join('')).toBe(text);
  });

  it('follows the field rules: one optional space after the colon, a bare field name, unknown fields ignored', () => {
    const events = parseWhole('data:no-space\ndata:  two-spaces\ndata\nid: 7\nretry: 10\nfoo: bar\n\n');
    expect(events).toEqual([{ event: undefined, data: 'no-space\n two-spaces\n', raw: 'data:no-space\ndata:  two-spaces\ndata\nid: 7\nretry: 10\nfoo: bar\n\n' }]);
  });

  it('parses a long line that arrives in many pieces, without quadratic work', () => {
    const payload = JSON.stringify({ text: 'x'.repeat(2_000_000) });
    const text = `data: ${payload}\n\ndata: [DONE]\n\n`;
    const parser = createSseParser();
    const started = performance.now();
    const events: SseEvent[] = [];
    for (let index = 0; index < text.length; index += 4096) events.push(...parser.push(text.slice(index, index + 4096)));
    expect(events.map((e) => e.data.length)).toEqual([payload.length, 6]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
