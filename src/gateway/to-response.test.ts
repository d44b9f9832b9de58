import { describe, expect, it } from 'vitest';
import { safeHeaders, toResponse } from './to-response.ts';

describe('response headers echoing upstream text', () => {
  it('drops values with CR/LF, NUL or non-ASCII and cuts long ones, so building the response cannot throw', () => {
    const headers = { 'x-tollgate-model': 'evil\r\nset-cookie: a=b', 'x-tollgate-route': 'r'.repeat(5_000), 'x-tollgate-cost-usd': '0.000001', 'x-other': 'caf\u00e9\u0000' };
    expect(() => new Response('{}', { headers })).toThrow();
    const safe = safeHeaders(headers);
    expect(safe).toEqual({ 'x-tollgate-route': 'r'.repeat(1_024), 'x-tollgate-cost-usd': '0.000001' });
    const response = toResponse({ kind: 'json', status: 200, headers, body: '{}' });
    expect(response.headers.get('x-tollgate-model')).toBeNull();
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.000001');
  });

  it('returns the same object when every header is fine (no copy on the hot path)', () => {
    const headers = { 'x-tollgate-model': 'gpt-4o-mini' };
    expect(safeHeaders(headers)).toBe(headers);
  });
});
