import { describe, expect, it } from 'vitest';
import { qualitySignals, responseView, taskClass } from './quality-signals.ts';

const chat = (content: string | null, finish = 'stop', toolCalls?: unknown[]) => ({ choices: [{ message: { content, tool_calls: toolCalls }, finish_reason: finish }] });

describe('quality signals', () => {
  it('a clean answer scores 1', () => {
    expect(qualitySignals({}, responseView(chat('Paris.'), 'stop')).score).toBe(1);
  });
  it('flags empty, truncated and refused answers', () => {
    expect(qualitySignals({}, responseView(chat(''), 'stop'))).toMatchObject({ empty: true, score: 0 });
    expect(qualitySignals({}, responseView(chat('The answer is'), 'length'))).toMatchObject({ truncated: true, score: 0.5 });
    expect(qualitySignals({}, responseView(chat("I'm sorry, but I can't help with that."), 'stop')).refusal).toBe(true);
  });
  it('flags invalid JSON when JSON was asked for, and bad tool calls', () => {
    const json = { response_format: { type: 'json_object' } };
    expect(qualitySignals(json, responseView(chat('{"a": 1}'), 'stop')).invalidJson).toBe(false);
    expect(qualitySignals(json, responseView(chat('Sure! {"a": 1'), 'stop')).invalidJson).toBe(true);
    const tools = { tools: [{ type: 'function', function: { name: 'lookup' } }] };
    expect(qualitySignals(tools, responseView(chat(null, 'tool_calls', [{ function: { name: 'lookup', arguments: '{"q":1}' } }]), 'tool_calls')).toolError).toBe(false);
    expect(qualitySignals(tools, responseView(chat(null, 'tool_calls', [{ function: { name: 'lookup', arguments: '{"q":' } }]), 'tool_calls')).toolError).toBe(true);
    expect(qualitySignals(tools, responseView(chat(null, 'tool_calls', [{ function: { name: 'other', arguments: '{}' } }]), 'tool_calls')).toolError).toBe(true);
  });
  it('reads Anthropic responses too, and classifies tasks', () => {
    const view = responseView({ content: [{ type: 'text', text: 'Hi' }, { type: 'tool_use', name: 'x', input: { a: 1 } }] }, 'tool_use');
    expect(view).toMatchObject({ text: 'Hi', toolCalls: [{ name: 'x', arguments: '{"a":1}' }] });
    expect(taskClass({}, 'def add(a, b): return a + b')).toBe('code');
    expect(taskClass({}, 'Solve 3x + 4 = 10')).toBe('math');
    expect(taskClass({}, 'Tell me about Paris')).toBe('chat');
  });
});
