import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** A client that hangs up mid-answer: the upstream call is cancelled and the request still metered, once. */
describe('a client that leaves mid-stream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('cancels the upstream stream at once and leaves one ledger row for it', async () => {
    const words = Array.from({ length: 400 }, (_, index) => `w${index}`).join(' ');
    const controller = new AbortController();
    const before = (await h.ledger()).length;
    const started = Date.now();
    // 400 chunks 25 ms apart: ten seconds if the gateway kept reading after the client left.
    const response = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer anonymous' },
      body: JSON.stringify(withMock({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Count slowly' }] }, { text: words, chunkDelayMs: 25 })),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const rows = await h.ledgerBeyond(before);
    expect(rows.length).toBe(before + 1);
    expect(Date.now() - started).toBeLessThan(5_000);
    const row = rows.at(-1)!;
    expect(row.stream).toBe(true);
    // Metered for what was relayed before the client left, not for the whole answer.
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(row.outputTokens).toBeLessThan(200);
  });
});
