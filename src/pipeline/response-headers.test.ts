import { describe, expect, it } from 'vitest';
import type { Target } from '../domain/request.ts';
import { baseHeaders } from './response-headers.ts';
import type { PipelineRequest } from './types.ts';

const target = { providerId: 'up', upstreamModel: 'm-up' } as unknown as Target;

describe('baseHeaders', () => {
  it('names the request, model and provider, then the budget, route and cache headers, in that order', () => {
    const request = { id: 'r1', budget: { headers: () => ({ 'x-tollgate-budget-remaining-usd': '5' }) }, route: { summary: 'cheap' }, cacheStatus: 'miss' } as unknown as PipelineRequest;
    const headers = baseHeaders(request, target, 'm-served');
    expect(Object.entries(headers)).toEqual([
      ['x-tollgate-request-id', 'r1'],
      ['x-tollgate-model', 'm-served'],
      ['x-tollgate-provider', 'up'],
      ['x-tollgate-budget-remaining-usd', '5'],
      ['x-tollgate-route', 'cheap'],
      ['x-tollgate-cache', 'miss'],
    ]);
  });

  it('a stream\'s own headers go first; no budget, route or cache status: none of their headers', () => {
    const request = { id: 'r2' } as unknown as PipelineRequest;
    const headers = baseHeaders(request, target, undefined, undefined, { 'content-type': 'text/event-stream; charset=utf-8' });
    expect(Object.entries(headers)).toEqual([
      ['content-type', 'text/event-stream; charset=utf-8'],
      ['x-tollgate-request-id', 'r2'],
      ['x-tollgate-model', 'm-up'],
      ['x-tollgate-provider', 'up'],
    ]);
  });
});
