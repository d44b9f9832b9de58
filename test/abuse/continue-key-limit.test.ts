import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

const SERVER_LIMIT = 64 * 1024;
const KEY_LIMIT = 1024;

/**
 * A virtual key with its own smaller body limit: an `Expect: 100-continue` request declaring more than
 * the key allows (but less than the server does) got `100 Continue`, uploaded its whole body, and only
 * then a 413. The key is now resolved from the request's headers before answering: 413 at once, no
 * `100 Continue`, no upload. Within the key's limit, and for a key without one, nothing changes.
 */
describe('Expect: 100-continue and a key body limit', () => {
  let h: Harness;
  let port: number;
  let limited: string;
  let unlimited: string;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, server: { ...input.server, bodyLimitBytes: SERVER_LIMIT } }) });
    port = Number(new URL(h.url).port);
    const create = async (body: object) => ((await (await h.admin('/api/keys', { method: 'POST', body: JSON.stringify(body) })).json()) as { secret: string }).secret;
    limited = await create({ name: 'small-bodies', bodyLimitBytes: KEY_LIMIT });
    unlimited = await create({ name: 'server-limit' });
  });
  afterAll(() => h.close());

  /**
   * Sends the head, waits for the server's first answer (100 Continue or a final status) before any body,
   * as a client honouring Expect does; on 100 Continue sends the body and collects the rest.
   */
  async function expectContinue(path: string, auth: string, body: string): Promise<{ interim: string; final: string }> {
    const socket: Socket = await new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    socket.on('error', () => undefined);
    let received = '';
    let first: (text: string) => void = () => undefined;
    const firstAnswer = new Promise<string>((resolve) => (first = resolve));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.includes('\r\n\r\n')) first(received);
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    const interim = await firstAnswer;
    if (!interim.startsWith('HTTP/1.1 100')) {
      await closed;
      return { interim: '', final: received };
    }
    const interimEnd = received.indexOf('\r\n\r\n') + 4;
    socket.write(body);
    await closed;
    // The final answer may follow the interim one in the same packet (a refusal before the body is read).
    return { interim: received.slice(0, interimEnd), final: received.slice(interimEnd) };
  }

  const chat = (bytes: number) => {
    const base = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: '' }] };
    const content = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(base)));
    return JSON.stringify({ ...base, messages: [{ role: 'user', content }] });
  };
  const anthropic = (bytes: number) => {
    const base = { model: 'claude-3-5-haiku-latest', max_tokens: 16, messages: [{ role: 'user', content: '' }] };
    const content = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(base)));
    return JSON.stringify({ ...base, messages: [{ role: 'user', content }] });
  };

  it("over the key's limit: 413 naming it at once, never 100 Continue", async () => {
    const { interim, final } = await expectContinue('/v1/chat/completions', `Authorization: Bearer ${limited}`, chat(4 * KEY_LIMIT));
    expect(interim).toBe('');
    expect(final).not.toMatch(/100 Continue/i);
    expect(final.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(final.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(final.slice(final.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('payload_too_large');
    expect(body.error.message).toContain(`limit of ${KEY_LIMIT} bytes`);
  });

  it('the same on /v1/messages with x-api-key, in the Anthropic envelope', async () => {
    const { interim, final } = await expectContinue('/v1/messages', `x-api-key: ${limited}\r\nanthropic-version: 2023-06-01`, anthropic(4 * KEY_LIMIT));
    expect(interim).toBe('');
    expect(final.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(JSON.parse(final.slice(final.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  it("within the key's limit: 100 Continue and the answer", async () => {
    const { interim, final } = await expectContinue('/v1/chat/completions', `Authorization: Bearer ${limited}`, chat(KEY_LIMIT - 10));
    expect(interim.startsWith('HTTP/1.1 100 Continue')).toBe(true);
    expect(final.startsWith('HTTP/1.1 200 ')).toBe(true);
  });

  it('a key without its own limit uploads up to the server limit', async () => {
    const { interim, final } = await expectContinue('/v1/chat/completions', `Authorization: Bearer ${unlimited}`, chat(4 * KEY_LIMIT));
    expect(interim.startsWith('HTTP/1.1 100 Continue')).toBe(true);
    expect(final.startsWith('HTTP/1.1 200 ')).toBe(true);
  });

  it('an unknown key is answered by authentication as before (100 Continue, then 401)', async () => {
    const { interim, final } = await expectContinue('/v1/chat/completions', 'Authorization: Bearer tg-not-a-key-0123456789', chat(4 * KEY_LIMIT));
    expect(interim.startsWith('HTTP/1.1 100 Continue')).toBe(true);
    expect(final.slice(0, 40)).toMatch(/^HTTP\/1.1 401 /);
  });
});
