import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NeutralAnswer } from '../domain/neutral-answer.ts';
import { createUsage } from '../domain/usage.ts';
import { startMockProvider, type MockProvider } from '../mock-provider/index.ts';
import { createAnthropicAdapter } from '../providers/anthropic/adapter.ts';
import { createOpenAiAdapter } from '../providers/openai/adapter.ts';
import { anthropicSdkReplaying, chunksOf, makeCall, openAiSdkReplaying, providerConfig, sendUpstream } from '../providers/testing/harness.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import { answerForWire } from './answer-for-wire.ts';
import { captureAnswer, foldAnswer } from './answer-capture.ts';
import { createSseParser } from '../providers/sse-parser.ts';
import { parseEventData } from '../providers/stream-state.ts';
import { neutralFromJson } from './answer-from-json.ts';
import { createMemoryExactStore, type CachedAnswer } from './exact-store.ts';
import { renderAnswerFrames, renderAnswerJson } from './render-answer.ts';
import { ResponseCache } from './response-cache.ts';

/** The neutral answer: read from either upstream wire (JSON, or a stream captured once), rendered to either client wire. */
let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider({ strict: true });
});
afterAll(() => mock.close());

const usage = createUsage({ inputTotal: 1200, cacheRead: 200, outputTotal: 40, reasoning: 10 });
const upstreams: Array<{ name: string; adapter: ProviderAdapter; baseUrl: () => string; model: string }> = [
  { name: 'OpenAI', adapter: createOpenAiAdapter('openai'), baseUrl: () => `${mock.url}/v1`, model: 'mock-small' },
  { name: 'Anthropic', adapter: createAnthropicAdapter(), baseUrl: () => mock.url, model: 'claude-mock' },
];

/** An upstream answer the way the pipeline gets it: JSON parsed once, or the stream's raw chunks (cut at odd places). */
async function upstreamAnswer(upstream: (typeof upstreams)[number], directive: Record<string, unknown>, stream: boolean) {
  const clientWire = upstream.adapter.wire;
  const body = { model: upstream.model, max_tokens: 100, messages: [{ role: 'user', content: 'What is the capital of France?' }], mock: directive, ...(stream ? { stream: true } : {}) };
  const call = makeCall({ provider: providerConfig(upstream.adapter.kind, upstream.baseUrl()), body, clientWire, operation: clientWire === 'anthropic' ? 'messages' : 'chat', upstreamModel: upstream.model });
  const reply = await sendUpstream(upstream.adapter, call);
  expect(reply.status).toBe(200);
  if (!stream) return neutralFromJson(upstream.adapter.wire, JSON.parse(reply.text), usage);
  const capture = captureAnswer(upstream.adapter.wire);
  const bytes = new TextEncoder().encode(reply.text);
  for (let at = 0; at < bytes.length; at += 7) capture.push(bytes.subarray(at, at + 7));
  return capture.finish(usage);
}

describe('neutral answers from upstream answers', () => {
  for (const upstream of upstreams) {
    it(`${upstream.name}: a JSON answer and the same answer streamed read to the same neutral answer (text, and tool calls)`, async () => {
      const text = await upstreamAnswer(upstream, { text: 'Paris is the capital of France.', chunks: 6 }, false);
      expect(text).toMatchObject({ model: upstream.model, content: [{ type: 'text', text: 'Paris is the capital of France.' }], finish: 'stop', usage });
      const streamed = await upstreamAnswer(upstream, { text: 'Paris is the capital of France.', chunks: 6 }, true);
      expect({ ...streamed, id: '' }).toEqual({ ...text, id: '' });

      const tool = { tool: { name: 'get_weather', arguments: { city: 'Paris', days: 2 } }, chunks: 4 };
      const called = await upstreamAnswer(upstream, tool, false);
      expect(called?.finish).toBe('tool_calls');
      expect(called?.content).toEqual([{ type: 'tool_call', id: expect.any(String) as unknown, name: 'get_weather', arguments: expect.any(String) as unknown }]);
      const streamedCall = await upstreamAnswer(upstream, tool, true);
      expect(streamedCall?.finish).toBe('tool_calls');
      const call = streamedCall?.content[0];
      expect(call?.type === 'tool_call' && JSON.parse(call.arguments)).toEqual({ city: 'Paris', days: 2 });
    });
  }

  it('what the neutral form cannot carry is not neutral (cached in its own wire only)', () => {
    const completion = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', ...message }, finish_reason: 'stop', ...extra }],
    });
    expect(neutralFromJson('openai', completion({}), usage)).toBeDefined();
    expect(neutralFromJson('openai', completion({}, { logprobs: { content: [] } }), usage)).toBeUndefined();
    expect(neutralFromJson('openai', completion({ refusal: 'No.' }), usage)).toBeUndefined();
    expect(neutralFromJson('openai', completion({ annotations: [{ type: 'url_citation' }] }), usage)).toBeUndefined();
    expect(neutralFromJson('openai', completion({}, { finish_reason: 'something_new' }), usage)).toBeUndefined();
    expect(neutralFromJson('openai', { ...completion({}), choices: [completion({}).choices[0], completion({}).choices[0]] }, usage)).toBeUndefined();
    expect(neutralFromJson('openai', { object: 'text_completion', choices: [{ text: 'x', finish_reason: 'stop' }] }, usage)).toBeUndefined();
    const message = (content: unknown[]) => ({ id: 'msg_1', type: 'message', model: 'c', content, stop_reason: 'end_turn' });
    expect(neutralFromJson('anthropic', message([{ type: 'text', text: 'Hi' }]), usage)).toBeDefined();
    expect(neutralFromJson('anthropic', message([{ type: 'text', text: 'Hi', citations: [{ type: 'char_location' }] }]), usage)).toBeUndefined();
    expect(neutralFromJson('anthropic', message([{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }]), usage)).toBeUndefined();
    expect(neutralFromJson('anthropic', null, usage)).toBeUndefined();
  });

  it("a fold fed the relay's events (after the relay's reader parsed them) gives the capture's answer, each event's JSON parsed once", () => {
    const whole = 'data: {"id":"chatcmpl-7","model":"m","choices":[{"index":0,"delta":{"content":"Par"}}]}\n\n' + 'data: {"id":"chatcmpl-7","model":"m","choices":[{"index":0,"delta":{"content":"is"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
    const capture = captureAnswer('openai');
    for (const piece of chunksOf(whole, 9)) capture.push(piece);
    const expected = capture.finish(usage);
    expect(expected).toMatchObject({ id: '7', content: [{ type: 'text', text: 'Paris' }], finish: 'stop' });

    const parse = vi.spyOn(JSON, 'parse');
    try {
      const fold = foldAnswer('openai');
      const parser = createSseParser();
      for (const piece of chunksOf(whole, 9)) {
        fold.count(piece.length);
        for (const event of [...parser.push(piece)]) {
          if (event.data !== '[DONE]') parseEventData(event); // what the relay's transformer does first
          fold.add(event);
        }
      }
      expect(fold.finish(usage)).toEqual(expected);
      expect(parse).toHaveBeenCalledTimes(2);
    } finally {
      parse.mockRestore();
    }

    const bounded = foldAnswer('openai', 64);
    const parser = createSseParser();
    for (const piece of chunksOf(whole, 10)) {
      bounded.count(piece.length);
      for (const event of parser.push(piece)) bounded.add(event);
    }
    expect(bounded.finish(usage)).toBeUndefined();
    const garbage = foldAnswer('anthropic');
    for (const event of createSseParser().push('event: message_start\ndata: {not json\n\n')) garbage.add(event);
    expect(garbage.finish(usage)).toBeUndefined();
  });

  it('a capture gives nothing for a stream cut before its end, or past its size bound', () => {
    const cut = captureAnswer('openai');
    cut.push('data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"content":"Par"}}]}\n\n');
    expect(cut.finish(usage)).toBeUndefined();
    const whole = 'data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"content":"Paris"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
    const complete = captureAnswer('openai');
    complete.push(whole);
    expect(complete.finish(usage)).toMatchObject({ id: '1', content: [{ type: 'text', text: 'Paris' }], finish: 'stop' });
    const bounded = captureAnswer('openai', 64);
    for (const piece of chunksOf(whole, 10)) bounded.push(piece);
    expect(bounded.finish(usage)).toBeUndefined();
    const garbage = captureAnswer('anthropic');
    garbage.push('event: message_start\ndata: {not json\n\n');
    expect(garbage.finish(usage)).toBeUndefined();
  });
});

describe('neutral answers rendered for each wire', () => {
  const answer: NeutralAnswer = {
    id: '01abc',
    model: 'claude-x',
    content: [
      { type: 'reasoning', text: 'The user wants the weather.', signature: 'sig-123' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ],
    finish: 'tool_calls',
    stopSequence: null,
    usage,
  };
  const params = { model: 'x', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };

  it('the official Anthropic SDK reads the JSON and the stream as the same message, thinking signature included', async () => {
    const expected = [
      { type: 'thinking', thinking: 'The user wants the weather.', signature: 'sig-123' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
    ];
    const json = await anthropicSdkReplaying(renderAnswerJson(answer, 'anthropic', 0), 'application/json').messages.create(params);
    expect(json).toMatchObject({ id: 'msg_01abc', model: 'claude-x', stop_reason: 'tool_use', content: expected, usage: { input_tokens: 1000, cache_read_input_tokens: 200, output_tokens: 40 } });
    const streamed = await anthropicSdkReplaying(renderAnswerFrames(answer, 'anthropic', 0, false).join('')).messages.stream(params).finalMessage();
    expect(streamed).toMatchObject({ id: 'msg_01abc', stop_reason: 'tool_use', content: expected, usage: { output_tokens: 40 } });
  });

  it('the official OpenAI SDK reads the JSON and the stream as the same completion (usage chunk only when asked)', async () => {
    const chatParams = { model: 'x', messages: [{ role: 'user' as const, content: 'x' }] };
    const json = await openAiSdkReplaying(renderAnswerJson(answer, 'openai', 1_700_000_000_000), 'application/json').chat.completions.create(chatParams);
    expect(json).toMatchObject({ id: 'chatcmpl-01abc', created: 1_700_000_000, object: 'chat.completion', usage: { prompt_tokens: 1200, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 200 } } });
    expect(json.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: 'Let me check.', reasoning_content: 'The user wants the weather.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] } });
    for (const includeUsage of [true, false]) {
      const stream = await openAiSdkReplaying(renderAnswerFrames(answer, 'openai', 0, includeUsage).join('')).chat.completions.create({ ...chatParams, stream: true });
      let text = '';
      let args = '';
      let usageSeen = false;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
        usageSeen ||= chunk.usage !== undefined && chunk.usage !== null;
      }
      expect({ text, args, usageSeen }).toEqual({ text: 'Let me check.', args: '{"city":"Paris"}', usageSeen: includeUsage });
    }
  });

  it('an Anthropic stop sequence comes back to Anthropic clients as it was, and to OpenAI clients as stop', () => {
    const stopped: NeutralAnswer = { ...answer, content: [{ type: 'text', text: 'One, two' }], finish: 'stop_sequence', stopSequence: 'three' };
    expect(JSON.parse(renderAnswerJson(stopped, 'anthropic', 0))).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'three' });
    expect(JSON.parse(renderAnswerJson(stopped, 'openai', 0)).choices[0].finish_reason).toBe('stop');
    // Redacted reasoning is for Anthropic clients only.
    const redacted: NeutralAnswer = { ...answer, content: [{ type: 'redacted_reasoning', data: 'enc' }, { type: 'text', text: 'Hi' }], finish: 'stop' };
    expect(JSON.parse(renderAnswerJson(redacted, 'anthropic', 0)).content[0]).toEqual({ type: 'redacted_thinking', data: 'enc' });
    expect(renderAnswerJson(redacted, 'openai', 0)).not.toContain('enc');
  });
});

describe('stored answers across releases', () => {
  const stored = (extra: Partial<CachedAnswer>): CachedAnswer => ({ body: '{}', wire: 'openai', servedModel: 'm', provider: 'p', costNanoUsd: 1, inputTokens: 1, outputTokens: 1, createdAtMs: 0, ...extra });
  const request = {
    id: 'r',
    receivedAtMs: 0,
    wire: 'openai' as const,
    operation: 'chat' as const,
    body: { model: 'm', temperature: 0, messages: [{ role: 'user', content: 'Hi' }] },
    headers: {},
    principal: { orgId: 'a' } as never,
    signal: undefined,
  };

  it('an entry an older release wrote (no version) is a miss, not a crash; an entry of this release is served to the wire it suits', async () => {
    const store = createMemoryExactStore(1_000_000);
    const cache = new ResponseCache(store, { ttlMs: 60_000 });
    const ticket = cache.ticket(request)!;
    await store.set(ticket.key, stored({ body: '{"id":"chatcmpl-old","choices":[]}' }), 60_000);
    expect(await cache.lookup(ticket)).toBeUndefined();
    const neutral: NeutralAnswer = { id: 'n', model: 'm', content: [{ type: 'text', text: 'Hello' }], finish: 'stop', stopSequence: null, usage };
    cache.save(ticket, stored({ wire: 'neutral', body: JSON.stringify(neutral) }));
    const hit = await cache.lookup(ticket);
    expect(hit?.answer.v).toBe(2);
    expect(JSON.parse(answerForWire(hit!.answer, 'anthropic')!.json()).content).toEqual([{ type: 'text', text: 'Hello' }]);
    // A wire-only answer serves its own wire only.
    expect(answerForWire(stored({ v: 2, wire: 'openai' }), 'anthropic')).toBeUndefined();
    expect(answerForWire(stored({ v: 2, wire: 'openai', body: '{"x":1}' }), 'openai')?.json()).toBe('{"x":1}');
    expect(answerForWire(stored({ v: 2, wire: 'neutral', body: 'not json' }), 'openai')).toBeUndefined();
  });
});
