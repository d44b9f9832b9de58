import { describe, expect, it } from 'vitest';
import { GatewayError } from '../domain/errors.ts';
import { applyBodyLimits, takeRate } from './key-policy.ts';
import { createMemoryRateLimiter } from './rate-limiter.ts';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected a refusal');
};

describe('applyBodyLimits', () => {
  it('passes a body within every limit unchanged (same object)', () => {
    const body = { model: 'gpt-4o-mini', max_tokens: 10, n: 1 };
    expect(applyBodyLimits({ allowedModels: ['gpt-*'], maxTokens: 10, maxN: 1 }, body, 'chat')).toBe(body);
  });

  it('fills in the cap where the request has none, in the field each wire format reads', () => {
    expect(applyBodyLimits({ maxTokens: 64 }, { model: 'm' }, 'chat')).toEqual({ model: 'm', max_completion_tokens: 64 });
    expect(applyBodyLimits({ maxTokens: 64 }, { model: 'm' }, 'completion')).toEqual({ model: 'm', max_tokens: 64 });
    expect(applyBodyLimits({ maxTokens: 64 }, { model: 'm', input: 'x' }, 'embedding')).toEqual({ model: 'm', input: 'x' });
  });

  it('refuses caps that are too high or not numbers, naming the field', () => {
    for (const [field, value] of [['max_tokens', 65], ['max_completion_tokens', '9999'], ['max_tokens', { $gt: 1 }], ['max_output_tokens', Number.POSITIVE_INFINITY]] as const) {
      const error = refusal(() => applyBodyLimits({ maxTokens: 64 }, { model: 'm', [field]: value }, 'chat'));
      expect(error).toMatchObject({ code: 'invalid_request', status: 400, param: field });
    }
    for (const [field, value] of [['n', 2], ['best_of', 3], ['n', '2'], ['n', [1]]] as const) {
      expect(refusal(() => applyBodyLimits({ maxN: 1 }, { model: 'm', [field]: value }, 'completion'))).toMatchObject({ status: 400, param: field });
    }
  });

  it('a model outside the list is a 403 permission error', () => {
    expect(refusal(() => applyBodyLimits({ allowedModels: ['gpt-4o-mini'] }, { model: 'gpt-4o' }, 'chat'))).toMatchObject({ code: 'forbidden', status: 403, param: 'model' });
    expect(refusal(() => applyBodyLimits({ allowedModels: ['gpt-4o-mini'] }, { model: 42 }, 'chat'))).toMatchObject({ status: 403 });
  });

});

describe('takeRate', () => {
  it('a refusal is a 429 with retry-after in seconds and ms, and x-should-retry: true', async () => {
    const limiter = createMemoryRateLimiter();
    await takeRate(limiter, 'k', { requestsPerMinute: 1 }, () => 0, 60_000);
    const error = await takeRate(limiter, 'k', { requestsPerMinute: 1 }, () => 0, 60_000 + 59_500).catch((e: unknown) => e as GatewayError);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    expect((error as GatewayError).headers).toMatchObject({ 'retry-after': '1', 'retry-after-ms': '500', 'x-should-retry': 'true', 'x-tollgate-rate-limit': 'requests' });
  });

  it('does not estimate tokens for a key without a token limit', async () => {
    let estimated = false;
    await takeRate(createMemoryRateLimiter(), 'k', { requestsPerMinute: 5 }, () => {
      estimated = true;
      return 1;
    }, 0);
    expect(estimated).toBe(false);
  });
});
