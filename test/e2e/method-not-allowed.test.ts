import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * A POST-only endpoint asked with another method answers 405 with `allow: POST` (RFC 9110), in the
 * caller's own error envelope (Anthropic's under /v1/messages), not a 404 that reads as "no such
 * endpoint". A path that does not exist is still a 404; the upstream never sees any of them.
 */
describe('wrong method on the API endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const call = async (method: string, path: string) => {
    const response = await fetch(`${h.url}${path}`, { method, headers: { authorization: 'Bearer anonymous' } });
    const text = await response.text();
    return { status: response.status, allow: response.headers.get('allow'), id: response.headers.get('x-tollgate-request-id'), body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };

  it.each(['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/feedback'])('%s: GET, PUT, DELETE and PATCH are a 405 with allow: POST in the OpenAI envelope', async (path) => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await call(method, path);
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.allow).toBe('POST');
      expect(answer.id).toMatch(/^req_/);
      expect(answer.body?.error).toMatchObject({ type: 'invalid_request_error', code: 'method_not_allowed' });
      expect(answer.body?.error.message).toContain(`${method} ${path}`);
    }
  });

  it.each(['/v1/messages', '/v1/messages/count_tokens'])('%s: a 405 with allow: POST in the Anthropic envelope', async (path) => {
    const answer = await call('GET', path);
    expect(answer.status).toBe(405);
    expect(answer.allow).toBe('POST');
    expect(answer.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('HEAD is a 405 too, with the header and no body', async () => {
    const answer = await call('HEAD', '/v1/chat/completions');
    expect(answer.status).toBe(405);
    expect(answer.allow).toBe('POST');
  });

  it('the official SDK sees a 405 (and does not retry it); GET-only endpoints say so the other way round; unknown paths stay 404; nothing went upstream', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'anonymous' });
    const error = await openai.get('/chat/completions').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(405);

    const models = await call('POST', '/v1/models');
    expect(models.status).toBe(405);
    expect(models.allow).toBe('GET, HEAD');
    expect((await call('GET', '/v1/models')).status).toBe(200);
    expect((await call('GET', '/v1/chat/completion')).status).toBe(404);
    expect((await call('GET', '/v1/nothing-here')).status).toBe(404);
    expect(h.mock.requests).toHaveLength(0);
  });
});
