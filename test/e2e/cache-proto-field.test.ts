import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * Two requests that differ only in a body-level `__proto__` field are two requests: the second is
 * not answered from the first one's exact-cache entry (assigning the field onto a plain object
 * used to drop it from the key).
 */
describe('exact cache and a body-level __proto__ field', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  async function post(path: string, body: string) {
    const response = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer anonymous' }, body });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    return response.headers.get('x-tollgate-cache');
  }

  it.each([
    ['/v1/completions', '"model":"gpt-3.5-turbo-instruct","prompt":"Say hi","max_tokens":5,"temperature":0'],
    ['/v1/embeddings', '"model":"text-embedding-3-small","input":"Say hi"'],
    ['/v1/chat/completions', '"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hi"}],"temperature":0'],
  ])('%s: a different __proto__ is a miss, the same one a hit', async (path, fields) => {
    expect(await post(path, `{${fields},"__proto__":{"variant":1}}`)).toBe('miss');
    expect(await post(path, `{${fields},"__proto__":{"variant":1}}`)).toBe('hit');
    expect(await post(path, `{${fields},"__proto__":{"variant":2}}`)).toBe('miss');
    expect(await post(path, `{${fields},"__proto__":"text"}`)).toBe('miss');
    expect(await post(path, `{${fields}}`)).toBe('miss');
  });
});
