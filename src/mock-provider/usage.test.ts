import { describe, expect, it } from 'vitest';
import { createUsage } from '../domain/usage.ts';
import { convertAnthropicUsage } from '../providers/anthropic/convert-usage.ts';
import { convertOpenAiUsage } from '../providers/openai/convert-usage.ts';
import type { MockUsage } from './types.ts';
import { resolveUsage, toAnthropicDeltaUsage, toAnthropicUsage, toOpenAiChatUsage } from './usage.ts';

const computed = { input: 11, output: 7 };

describe('resolveUsage', () => {
  it('uses computed counts (input at least 1) unless overridden, field by field', () => {
    expect(resolveUsage({ input: 0, output: 0 }, undefined)).toEqual({ input: 1, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 0, reasoning: 0 });
    expect(resolveUsage(computed, { output: 300 })).toMatchObject({ input: 11, output: 300 });
  });
});

// The mock's wire usage, read back by the gateway's own converters, must give the usage a test dictated.
describe.each<[string, MockUsage]>([
  ['plain', { input: 1200, output: 300 }],
  ['cache read + reasoning', { input: 1200, output: 300, cacheRead: 800, reasoning: 50 }],
  ['cache write (1h part)', { input: 5000, output: 10, cacheWrite: 4000, cacheWrite1h: 1000 }],
  ['read and write', { input: 900, output: 1, cacheRead: 500, cacheWrite: 300 }],
])('round trip through the gateway converters: %s', (_name, override) => {
  const usage = resolveUsage(computed, override);
  const expected = createUsage({
    inputTotal: usage.input,
    cacheRead: usage.cacheRead,
    cacheWrite: usage.cacheWrite,
    cacheWrite1h: usage.cacheWrite1h,
    outputTotal: usage.output,
    reasoning: usage.reasoning,
  });

  it('OpenAI: prompt_tokens is the total, cached_tokens a part of it', () => {
    const wire = toOpenAiChatUsage(usage);
    expect(wire.prompt_tokens).toBe(override.input);
    const converted = convertOpenAiUsage(wire);
    expect(converted?.input).toEqual({ ...expected.input, cacheWrite1h: 0 });
    expect(converted?.output).toEqual(expected.output);
  });

  it('Anthropic: input_tokens excludes cache reads and writes', () => {
    const wire = toAnthropicUsage(usage);
    expect(wire.input_tokens).toBe((override.input ?? 0) - (override.cacheRead ?? 0) - (override.cacheWrite ?? 0));
    const converted = convertAnthropicUsage(wire);
    expect(converted?.input).toEqual(expected.input);
    expect(converted?.output.total).toBe(expected.output.total);
    expect(convertAnthropicUsage(toAnthropicDeltaUsage(usage))?.input.total).toBe(expected.input.total);
  });
});

it('floors Anthropic input_tokens at 0 when a test reports more cached than total', () => {
  expect(toAnthropicUsage(resolveUsage(computed, { input: 10, cacheRead: 20 })).input_tokens).toBe(0);
});
