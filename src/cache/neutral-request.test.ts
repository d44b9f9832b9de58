import { describe, expect, it } from 'vitest';
import { exactCacheKey, requestCacheKey } from './canonical-key.ts';
import { neutralRequestView } from './neutral-request.ts';

const openai = (body: Record<string, unknown>) => requestCacheKey('org:a', 'openai', 'chat', body);
const anthropic = (body: Record<string, unknown>) => requestCacheKey('org:a', 'anthropic', 'messages', body);

const weather = { name: 'get_weather', description: 'Weather for a city', schema: { type: 'object', properties: { city: { type: 'string' } } } };
const openAiTools = [{ type: 'function', function: { name: weather.name, description: weather.description, parameters: weather.schema } }];
const anthropicTools = [{ name: weather.name, description: weather.description, input_schema: weather.schema, cache_control: { type: 'ephemeral' } }];

describe('neutral cache key', () => {
  const chat = { model: 'm', temperature: 0, max_tokens: 100, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi there' }] };
  const messages = { model: 'm', temperature: 0, max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi there' }] };

  it('an OpenAI chat request and the Anthropic Messages request asking the same share a key, whatever each wire\'s spelling', () => {
    const key = openai(chat);
    expect(anthropic(messages)).toBe(key);
    // System as text blocks with a prompt-caching hint, the turn as a text block, stream flags and metadata: the same question.
    expect(anthropic({ ...messages, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi there' }] }], stream: true, metadata: { user_id: 'u' } })).toBe(key);
    expect(openai({ ...chat, max_completion_tokens: 100, max_tokens: undefined, stream: true, stream_options: { include_usage: true }, user: 'u' })).toBe(key);
    // Still scoped by namespace.
    expect(requestCacheKey('org:b', 'anthropic', 'messages', messages)).not.toBe(key);
  });

  it('a tool conversation keys alike on both wires: tool ids only pair calls with results, tool results and the next text are one turn', () => {
    const openAiBody = {
      model: 'm',
      temperature: 0,
      max_tokens: 100,
      tools: openAiTools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_abc', content: '18°C' },
        { role: 'user', content: 'And tomorrow?' },
      ],
    };
    const anthropicBody = {
      model: 'm',
      temperature: 0,
      max_tokens: 100,
      tools: anthropicTools,
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_xyz', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_xyz', content: [{ type: 'text', text: '18°C' }] }, { type: 'text', text: 'And tomorrow?' }] },
      ],
    };
    expect(anthropic(anthropicBody)).toBe(openai(openAiBody));
    // A result paired with another call is another conversation.
    const swapped = structuredClone(openAiBody);
    swapped.messages[2] = { role: 'tool', tool_call_id: 'call_other', content: '18°C' };
    expect(openai(swapped)).not.toBe(openai(openAiBody));
    expect(anthropic({ ...anthropicBody, tool_choice: { type: 'auto' } })).not.toBe(openai(openAiBody));
    expect(anthropic({ ...anthropicBody, tools: [{ ...anthropicTools[0], description: 'Other' }] })).not.toBe(openai(openAiBody));
  });

  it('what changes the answer separates keys', () => {
    const key = openai(chat);
    const different = [
      anthropic({ ...messages, system: 'Be long.' }),
      anthropic({ ...messages, system: undefined }),
      anthropic({ ...messages, model: 'n' }),
      anthropic({ ...messages, max_tokens: 99 }),
      anthropic({ ...messages, temperature: 0.5 }),
      anthropic({ ...messages, top_p: 0.9 }),
      anthropic({ ...messages, stop_sequences: ['END'] }),
      anthropic({ ...messages, tools: anthropicTools }),
      openai({ ...chat, max_tokens: undefined }),
      openai({ ...chat, stop: 'DONE' }),
      openai({ ...chat, messages: [chat.messages[1], chat.messages[0]] }),
      openai({ ...chat, messages: [{ role: 'user', content: 'Hi there' }, { role: 'user', content: 'Hi there' }] }),
    ];
    for (const other of different) expect(other).not.toBe(key);
    expect(new Set(different).size).toBe(different.length);
    // OpenAI's single stop string is a list of one, as Anthropic spells it.
    expect(openai({ ...chat, stop: 'END' })).toBe(anthropic({ ...messages, stop_sequences: ['END'] }));
  });

  it('what only one wire has keys under that wire, so it never matches the other wire (nor a request without it)', () => {
    const key = openai(chat);
    const viaAnthropic = anthropic(messages);
    // OpenAI-only fields and message kinds.
    expect(openai({ ...chat, response_format: { type: 'json_object' } })).not.toBe(key);
    expect(openai({ ...chat, seed: 1 })).not.toBe(key);
    expect(openai({ ...chat, messages: [{ role: 'developer', content: 'Be brief.' }, chat.messages[1]] })).not.toBe(key);
    // A system message after the conversation began is not the system prompt.
    expect(openai({ ...chat, messages: [chat.messages[1], chat.messages[0]] })).not.toBe(viaAnthropic);
    // Anthropic-only fields: top_k as an Anthropic field is not an unknown `top_k` an OpenAI client sends on to vLLM.
    expect(anthropic({ ...messages, top_k: 5 })).not.toBe(viaAnthropic);
    expect(anthropic({ ...messages, top_k: 5 })).not.toBe(openai({ ...chat, top_k: 5 }));
    expect(anthropic({ ...messages, thinking: { type: 'enabled', budget_tokens: 1024 } })).not.toBe(viaAnthropic);
    // Fields neither wire defines reach the upstream unchanged from either, so they key alike.
    expect(anthropic({ ...messages, mock: { text: 'x' } })).toBe(openai({ ...chat, mock: { text: 'x' } }));
    expect(anthropic({ ...messages, mock: { text: 'x' } })).not.toBe(viaAnthropic);
  });

  it('images key alike as URLs (base64 as a data URL); OpenAI detail is OpenAI-only', () => {
    const openAiImage = (extra: Record<string, unknown> = {}) => ({
      ...chat,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', ...extra } }] }],
    });
    const anthropicImage = { ...messages, system: undefined, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] }] };
    const noSystem = { ...openAiImage(), messages: openAiImage().messages };
    expect(anthropic(anthropicImage)).toBe(openai(noSystem));
    expect(openai(openAiImage({ detail: 'high' }))).not.toBe(openai(openAiImage()));
  });

  it('falls back to the wire key for what has no neutral view, and never trips on hostile bodies', () => {
    expect(neutralRequestView('openai', 'completion', { model: 'm', prompt: 'x' })).toBeUndefined();
    expect(requestCacheKey('org:a', 'openai', 'embedding', { model: 'e', input: 'x' })).toBe(exactCacheKey('org:a', 'openai', 'embedding', { model: 'e', input: 'x' }));
    expect(neutralRequestView('openai', 'chat', { model: 'm', messages: 'hi' })).toBeUndefined();
    expect(neutralRequestView('anthropic', 'messages', { model: 'm', messages: [null] })).toBeUndefined();
    expect(neutralRequestView('openai', 'chat', { model: 'm', messages: [], max_tokens: 5, max_completion_tokens: 6 })).toBeUndefined();
    // `__proto__` is data: two bodies that differ only there do not collide.
    const proto = (value: number) => JSON.parse(`{"model":"m","messages":[{"role":"user","content":"x","__proto__":{"a":${value}}}],"__proto__":{"b":${value}}}`) as Record<string, unknown>;
    expect(openai(proto(1))).not.toBe(openai(proto(2)));
    expect(({} as Record<string, unknown>).a).toBeUndefined();
    for (const body of [{ model: 'm', messages: [{ role: 'user', content: null }] }, { model: 'm', messages: [{ role: 'assistant', tool_calls: 'x' }] }, { model: 'm', messages: [{ role: 'tool' }], tools: 'x', tool_choice: 7 }]) {
      expect(typeof openai(body)).toBe('string');
      expect(typeof anthropic(body)).toBe('string');
    }
  });
});
