import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse-parser.ts';

const STREAM =
  'data: {"id":"1","choices":[{"delta":{"content":"Hel"}}]}\n\n' +
  ': keep-alive comment\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"lo"}}\n\n' +
  'data: line one\ndata: line two\n\n' +
  'data: [DONE]\n\n';

describe('createSseParser', () => {
  it('parses events, named events, multi-line data and comments', () => {
    const events = createSseParser().push(STREAM);
    expect(events.map((e) => e.data)).toEqual([
      '{"id":"1","choices":[{"delta":{"content":"Hel"}}]}',
      '',
      '{"type":"content_block_delta","delta":{"text":"lo"}}',
      'line one\nline two',
      '[DONE]',
    ]);
    expect(events[2]?.event).toBe('content_block_delta');
    expect(events.map((e) => e.raw).join('')).toBe(STREAM);
  });

  it('gives the same events whatever the chunking, split at every offset', () => {
    const whole = createSseParser().push(STREAM);
    for (let cut = 1; cut < STREAM.length; cut += 1) {
      const parser = createSseParser();
      const events = [...parser.push(STREAM.slice(0, cut)), ...parser.push(STREAM.slice(cut)), ...parser.flush()];
      expect(events).toEqual(whole);
    }
  });

  it('handles CRLF line ends and a final event without its blank line', () => {
    const parser = createSseParser();
    const events = parser.push('event: ping\r\ndata: {"a":1}\r\n\r\ndata: tail');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'ping', data: '{"a":1}' });
    expect(parser.flush()).toMatchObject([{ data: 'tail' }]);
  });
});
