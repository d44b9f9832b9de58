import { describe, expect, it } from 'vitest';
import { splitIntoChunks, countTextCharacters, lastUserText } from './content.ts';
import { directiveFromHeaders, mergeDirectives, parseDirective, parseScenario } from './scenario.ts';
import { argumentsFromSchema, chooseToolCall } from './tools.ts';

describe('parseDirective', () => {
  it('accepts every documented field', () => {
    const directive = {
      usage: { input: 1200, output: 300, cacheRead: 800, cacheWrite: 0, reasoning: 50 },
      latencyMs: 20,
      ttftMs: 50,
      chunkDelayMs: 5,
      chunks: 10,
      fail: { status: 500, body: '...', times: 2 },
      garbage: true,
      dropAfterChunks: 3,
      hangMs: 10_000,
      text: 'hi',
      noUsage: true,
      tool: { name: 'get_weather', arguments: { city: 'Paris' } },
      key: 'k',
    };
    expect(parseDirective(directive)).toEqual({ ok: true, directive });
  });

  it.each([
    [{ latencyMS: 1 }, "unknown mock directive field 'latencyMS'"],
    [{ latencyMs: -1 }, 'mock.latencyMs must be a non-negative number'],
    [{ usage: { inputs: 1 } }, "unknown mock.usage field 'inputs'"],
    [{ fail: { status: 42 } }, 'mock.fail.status must be an HTTP status'],
    [{ fail: { status: 500, time: 1 } }, "unknown mock.fail field 'time'"],
    [{ garbage: 'yes' }, 'mock.garbage must be a boolean'],
    [[], 'mock directive must be an object'],
  ])('rejects %j', (input, error) => {
    expect(parseDirective(input)).toEqual({ ok: false, error });
  });

  it('takes `fail: 500` as shorthand', () => {
    expect(parseDirective({ fail: 500 })).toEqual({ ok: true, directive: { fail: { status: 500 } } });
  });
});

describe('headers and scenarios', () => {
  it('maps x-mock-* headers to fields, parsing JSON values when they parse', () => {
    const result = directiveFromHeaders({ 'x-mock-latency-ms': '20', 'x-mock-text': 'hello world', 'x-mock-usage': '{"input":5}', 'x-mock-no-usage': 'true', host: 'x' });
    expect(result).toEqual({ ok: true, directive: { latencyMs: 20, text: 'hello world', usage: { input: 5 }, noUsage: true } });
    expect(directiveFromHeaders({ host: 'x', 'content-type': 'application/json' })).toBeUndefined();
  });

  it('combines comma-separated scenario names, and header fields win over the scenario', () => {
    expect(parseScenario('slow, no-usage')).toEqual({ ok: true, directive: { latencyMs: 250, ttftMs: 250, chunkDelayMs: 25, noUsage: true } });
    expect(directiveFromHeaders({ 'x-mock-scenario': 'slow', 'x-mock-latency-ms': '1' })).toMatchObject({ ok: true, directive: { latencyMs: 1, ttftMs: 250 } });
  });

  it('merges usage field by field', () => {
    expect(mergeDirectives({ usage: { input: 1, output: 2 }, text: 'a' }, { usage: { output: 3 } })).toEqual({ usage: { input: 1, output: 3 }, text: 'a' });
  });
});

describe('content', () => {
  it('splits by word or into N pieces, losslessly', () => {
    expect(splitIntoChunks('Mock answer  to: x ', undefined)).toEqual(['Mock', ' answer', '  to:', ' x', ' ']);
    expect(splitIntoChunks('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
    expect(splitIntoChunks('', 3)).toEqual([]);
  });

  it('counts prompt text in both formats, ignoring roles, ids and images', () => {
    const anthropicMessages = [
      { role: 'user', content: [{ type: 'text', text: 'abcd' }, { type: 'image', source: { type: 'base64', data: 'AAAAAAAA' } }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { q: 'xy' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] },
    ];
    expect(countTextCharacters(anthropicMessages)).toBe(4 + 1 + 2 + 4);
    expect(lastUserText(anthropicMessages)).toBe('done');
    expect(lastUserText([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }])).toBe('a b');
  });
});

describe('tools', () => {
  const tools = [
    { name: 'search', schema: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' } }, required: ['q'] } },
    { name: 'get_time', schema: undefined },
  ];
  const decide = (prompt: string, extra: Partial<Parameters<typeof chooseToolCall>[0]> = {}) =>
    chooseToolCall({ tools, choice: { kind: 'auto' }, directive: undefined, prompt, answeringToolResult: false, ...extra });

  it('calls a mentioned tool, or the first on "tool", and otherwise answers in text', () => {
    expect(decide('what is the GET_TIME now')).toEqual({ name: 'get_time', arguments: {} });
    expect(decide('use a tool please')).toEqual({ name: 'search', arguments: { q: 'mock' } });
    expect(decide('hello')).toBeUndefined();
    expect(decide('use get_time', { answeringToolResult: true })).toBeUndefined();
  });

  it('follows tool_choice and directives', () => {
    expect(decide('hello', { choice: { kind: 'any' } })?.name).toBe('search');
    expect(decide('hello', { choice: { kind: 'named', name: 'get_time' } })?.name).toBe('get_time');
    expect(decide('use a tool', { choice: { kind: 'none' } })).toBeUndefined();
    expect(decide('use a tool', { directive: false })).toBeUndefined();
    expect(decide('hello', { directive: 'get_time' })?.name).toBe('get_time');
  });

  it('fills required arguments with typed placeholders', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' }, c: { enum: ['x', 'y'] }, d: { type: 'object', properties: { e: { type: 'boolean' } }, required: ['e'] }, f: { type: 'string' } },
      required: ['a', 'b', 'c', 'd'],
    };
    expect(argumentsFromSchema(schema)).toEqual({ a: 'mock', b: 1, c: 'x', d: { e: true } });
  });
});
