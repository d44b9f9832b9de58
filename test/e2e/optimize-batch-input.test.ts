import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

const VIEWER = 'viewer-secret-for-batch-0123456789';

/**
 * `POST /api/optimize/batch` is open to viewers (it changes nothing), so what it accepts must never
 * break it: a budget beyond what nano-dollars hold was a 500, a repeated id silently dropped a
 * request from the answer, and an id named `__proto__` vanished from it.
 */
describe('POST /api/optimize/batch with hostile input', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, admin: { keys: [{ name: 'reader', secret: VIEWER, role: 'viewer' }], metricsRequireKey: false } }) });
  });
  afterAll(() => h.close());

  const batch = (body: unknown) =>
    fetch(`${h.url}/api/optimize/batch`, { method: 'POST', headers: { authorization: `Bearer ${VIEWER}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const requests = (ids: string[]) => ids.map((id) => ({ id, messages: [{ role: 'user', content: 'hi' }] }));

  it('a budget above $9 million is a 400 naming budgetUsd, not a 500', async () => {
    for (const budgetUsd of [1e308, 1e12]) {
      const response = await batch({ requests: requests(['a']), budgetUsd, minQuality: 0.5 });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/budgetUsd/);
    }
    expect((await batch({ requests: requests(['a']), budgetUsd: 9_000_000, minQuality: 0.5 })).status).toBe(200);
  });

  it('a repeated request id is a 400 naming it', async () => {
    const response = await batch({ requests: requests(['a', 'b', 'a']), budgetUsd: 1, minQuality: 0.5 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/requests\.2\.id: 'a' is repeated/);
  });

  it('every request is in the answer, ids like __proto__ and constructor included', async () => {
    const response = await batch({ requests: requests(['__proto__', 'constructor', 'toString']), budgetUsd: 1, minQuality: 0.5 });
    expect(response.status).toBe(200);
    const text = await response.text();
    const assignment = (JSON.parse(text) as { assignment: Record<string, string> }).assignment;
    expect(Object.keys(assignment).sort()).toEqual(['__proto__', 'constructor', 'toString']);
  });
});
