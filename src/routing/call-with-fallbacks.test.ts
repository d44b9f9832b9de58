import { describe, expect, it } from 'vitest';
import { GatewayError } from '../domain/errors.ts';
import type { Target } from '../domain/request.ts';
import { callWithFallbacks, countsAgainstTarget, isContextLengthError, retryDelay, type Attempt, type FallbackOptions } from './call-with-fallbacks.ts';

const target = (model: string): Target => ({ providerId: 'p', provider: { kind: 'openai' } as Target['provider'], upstreamModel: model });

function options(attempt: (target: Target) => Promise<Attempt<string>>, overrides: Partial<FallbackOptions<string>> = {}): FallbackOptions<string> & { notes: string[] } {
  const notes: string[] = [];
  return {
    notes,
    router: undefined,
    now: () => 0,
    attemptsPerTarget: 2,
    backoffMs: 0,
    receivedAtMs: 0,
    aborted: () => false,
    unsupported: () => undefined,
    retarget: undefined,
    onTarget: (t) => notes.push(`target:${t.upstreamModel}`),
    onPassedOver: (outcome) => notes.push(`passed:${outcome.key}=${outcome.reason}`),
    onFallback: (key) => notes.push(`fallback:${key}`),
    onUpstreamError: (_t, error) => notes.push(`error:${error.code}`),
    largerContext: (_current, remaining) => remaining,
    attempt,
    ...overrides,
  };
}

describe('callWithFallbacks', () => {
  it('retries a retryable failure, then falls back to the next target', async () => {
    const calls: string[] = [];
    const hooks = options(async (t) => {
      calls.push(t.upstreamModel);
      return t.upstreamModel === 'b' ? { ok: true, result: 'served by b' } : { ok: false, error: new GatewayError('upstream_unavailable', 'down', { retryable: true }) };
    });
    const result = await callWithFallbacks([target('a'), target('b')], hooks);
    expect(result).toEqual({ ok: true, result: 'served by b' });
    expect(calls).toEqual(['a', 'a', 'b']);
    expect(hooks.notes).toEqual(['target:a', 'error:upstream_unavailable', 'error:upstream_unavailable', 'passed:a@p=upstream_unavailable', 'target:b', 'fallback:b@p']);
  });

  it('stops at a non-retryable error and reports every target tried', async () => {
    const result = await callWithFallbacks([target('a'), target('b')], options(async () => ({ ok: false, error: new GatewayError('invalid_request', 'bad') })));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_request');
      expect(result.outcomes).toEqual([{ key: 'a@p', reason: 'invalid_request' }]);
    }
  });

  it('skips a fallback the budget refuses and an unsupported target', async () => {
    const hooks = options(async () => ({ ok: false, error: new GatewayError('upstream_unavailable', 'down', { retryable: true }) }), {
      attemptsPerTarget: 1,
      retarget: async (t) => t.upstreamModel !== 'b',
      unsupported: (t) => (t.upstreamModel === 'c' ? new GatewayError('invalid_request', 'no') : undefined),
    });
    const result = await callWithFallbacks([target('a'), target('b'), target('c')], hooks);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.outcomes).toEqual([{ key: 'a@p', reason: 'upstream_unavailable' }, { key: 'b@p', reason: 'budget' }, { key: 'c@p', reason: 'unsupported' }]);
    // The caller hears of each as it happens (for the route decision), in the same order.
    expect(hooks.notes.filter((note) => note.startsWith('passed:'))).toEqual(['passed:a@p=upstream_unavailable', 'passed:b@p=budget', 'passed:c@p=unsupported']);
  });

  it('hands a context-length error over to the larger-context targets', async () => {
    const calls: string[] = [];
    const hooks = options(
      async (t) => {
        calls.push(t.upstreamModel);
        return t.upstreamModel === 'big' ? { ok: true, result: 'ok' } : { ok: false, error: new GatewayError('context_length_exceeded', 'too long') };
      },
      { largerContext: (_current, remaining) => remaining.filter((t) => t.upstreamModel === 'big') },
    );
    const result = await callWithFallbacks([target('small'), target('medium'), target('big')], hooks);
    expect(result).toEqual({ ok: true, result: 'ok' });
    expect(calls).toEqual(['small', 'big']);
  });
});

describe('error verdicts', () => {
  it('blames the target only for its own failures', () => {
    expect(countsAgainstTarget(new GatewayError('upstream_timeout', 't'))).toBe(true);
    expect(countsAgainstTarget(new GatewayError('invalid_request', 'x'))).toBe(false);
    expect(isContextLengthError(new GatewayError('invalid_request', "This model's maximum context length is 8192 tokens"))).toBe(true);
    expect(isContextLengthError(new GatewayError('invalid_request', 'bad temperature'))).toBe(false);
  });

  it('honours retry-after up to two seconds', () => {
    expect(retryDelay(new GatewayError('rate_limited', 'slow', { headers: { 'retry-after': '1' } }), 1, 100)).toBe(1_000);
    expect(retryDelay(new GatewayError('rate_limited', 'slow', { headers: { 'retry-after': '30' } }), 1, 100)).toBe(2_000);
  });
});
