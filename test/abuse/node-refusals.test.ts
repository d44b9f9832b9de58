import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerNodeRefusals } from '../../src/node-refusals.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { skipUnless } from '../support/skip-unless.ts';

const BODY_LIMIT = 2_000;

/**
 * What Node's HTTP server answers on its own (a parse error, a deadline, a missing Host, an `Expect`
 * it does not know, `Expect: 100-continue` on an oversized upload) carries a body in the API's error
 * envelope and `connection: close`, and no answer is written to a socket that is already gone.
 */
describe("Node's own refusals, in the API's error format", () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({ ...input, server: { ...input.server, bodyLimitBytes: BODY_LIMIT, headersTimeoutMs: 1_000, bodyTimeoutMs: 1_500 } }),
    });
    port = Number(new URL(h.url).port);
  });
  afterAll(() => h.close());

  function open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** Writes `payload` and collects everything the server sends until it closes the connection. */
  async function exchange(payload: string | Buffer): Promise<string> {
    const socket = await open();
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(payload);
    await closed;
    return received;
  }

  function parse(raw: string): { status: number; headers: Record<string, string>; body: string } {
    const end = raw.indexOf('\r\n\r\n');
    expect(end, raw).toBeGreaterThan(0);
    const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    return { status: Number(statusLine!.split(' ')[1]), headers, body: raw.slice(end + 4) };
  }

  function expectOpenAiError(raw: string, status: number, code: string): { message: string; param: unknown } {
    const answer = parse(raw);
    expect(answer.status).toBe(status);
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
    const error = (JSON.parse(answer.body) as { error: { message: string; type: string; code: string; param: unknown } }).error;
    expect(error.type).toBe('invalid_request_error');
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    return error;
  }

  it('a malformed request line is a 400 with a JSON body, and the connection is closed', async () => {
    const error = expectOpenAiError(await exchange('GARBAGE\r\n\r\n'), 400, 'invalid_request');
    expect(error.message).toMatch(/malformed http request/i);
  });

  it('a malformed header is a 400 with a JSON body', async () => {
    expectOpenAiError(await exchange('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'), 400, 'invalid_request');
  });

  it('both a content-length and a chunked transfer-encoding (request smuggling) is a 400 with a JSON body', async () => {
    expectOpenAiError(await exchange('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n'), 400, 'invalid_request');
  });

  it('headers over the parser limit are a 431 with a JSON body', async () => {
    expectOpenAiError(await exchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'invalid_request');
  });

  it('oversized chunk extensions are a 413 with a JSON body', async () => {
    const payload = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;${'a'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`;
    expectOpenAiError(await exchange(payload), 413, 'payload_too_large');
  });

  it('headers not finished within the deadline are a 408 with a JSON body', async () => {
    const error = expectOpenAiError(await exchange('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n'), 408, 'invalid_request');
    expect(error.message).toMatch(/not received in time/);
  }, 10_000);

  it('an HTTP/1.1 request without Host is a 400 with a JSON body naming the header', async () => {
    const error = expectOpenAiError(await exchange('GET /healthz HTTP/1.1\r\n\r\n'), 400, 'invalid_request');
    expect(error.param).toBe('host');
  });

  it('CONNECT (the gateway taken for a forward proxy) is a 405 with a JSON body, not a reset', async () => {
    const raw = await exchange('CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n\r\n');
    const error = expectOpenAiError(raw, 405, 'method_not_allowed');
    expect(error.message).toMatch(/not a forward proxy/);
    expect(parse(raw).headers.allow).toBe('GET, POST');
  });

  it('an Expect other than 100-continue is a 417 with a JSON body', async () => {
    const error = expectOpenAiError(await exchange('POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nExpect: the-unexpected\r\nContent-Length: 2\r\n\r\n{}'), 417, 'invalid_request');
    expect(error.param).toBe('expect');
  });

  it('Expect: 100-continue over the body limit: 413 at once, never 100 Continue (raw socket)', async () => {
    const socket = await open();
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY_LIMIT + 1}\r\nExpect: 100-continue\r\n\r\n`);
    await closed;
    expect(received.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(received).not.toMatch(/100 Continue/i);
    const error = expectOpenAiError(received, 413, 'payload_too_large');
    expect(error.message).toContain(String(BODY_LIMIT));
  });

  it('Expect: 100-continue over the body limit on /v1/messages answers in the Anthropic envelope', async () => {
    const raw = await exchange(`POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY_LIMIT * 10}\r\nExpect: 100-continue\r\n\r\n`);
    const answer = parse(raw);
    expect(answer.status).toBe(413);
    expect(raw).not.toMatch(/100 Continue/i);
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  /** Node's client follows the Expect flow: it sends the body only on `continue`. */
  function expectContinue(body: string, declared = Buffer.byteLength(body)): Promise<{ continued: boolean; status: number; body: string }> {
    return new Promise((resolve, reject) => {
      let continued = false;
      const request = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', 'content-length': declared, expect: '100-continue' } },
        (response: IncomingMessage) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ continued, status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('continue', () => {
        continued = true;
        request.end(body);
      });
      request.on('error', reject);
      request.flushHeaders();
    });
  }

  it('Expect: 100-continue within the limit: 100 Continue, then the request is served as usual (HTTP client)', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    const result = await expectContinue(body);
    expect(result.continued).toBe(true);
    expect(result.status).toBe(200);
    expect((JSON.parse(result.body) as { object: string }).object).toBe('chat.completion');
  });

  it('Expect: 100-continue over the limit: the HTTP client is answered 413 without ever being told to continue', async () => {
    const result = await expectContinue('x'.repeat(BODY_LIMIT + 500));
    expect(result.continued).toBe(false);
    expect(result.status).toBe(413);
    expect((JSON.parse(result.body) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('clients that reset mid-headers, or after garbage, do not take the server down', async () => {
    for (const payload of ['POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Le', 'GARBAGE\r\n\r\n']) {
      const socket = await open();
      socket.on('error', () => undefined);
      socket.write(payload);
      socket.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const openai = h.openai();
    const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
    expect(completion.object).toBe('chat.completion');
  });

  it('the SDKs still see their own error classes for the refusals that reach them', async () => {
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'anonymous', maxRetries: 0 });
    const error = await anthropic.messages.create({ model: 'claude-3-5-haiku', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(413);
  });

  it('refusals are counted as edge rejections', async () => {
    const metrics = await h.server.gateway.runtime.deps.metrics.render();
    expect(metrics).toMatch(/tollgate_edge_rejections_total\{reason="request_timeout"\} [1-9]/);
    expect(metrics).toMatch(/tollgate_edge_rejections_total\{reason="invalid_request"\} [1-9]/);
  });
});

const curlAvailable = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

skipUnless(curlAvailable, 'curl is not installed')('Expect: 100-continue with curl', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, server: { ...input.server, bodyLimitBytes: BODY_LIMIT } }) });
  });
  afterAll(() => h.close());

  async function curl(bytes: number): Promise<{ status: number; uploaded: number; body: string; continued: boolean }> {
    const file = join(h.dataDir, `body-${bytes}.json`);
    const content = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y'.repeat(Math.max(0, bytes - 80)) }] });
    writeFileSync(file, content);
    const { stdout, stderr } = await promisify(execFile)('curl', [
      '-sS', '-v', '--expect100-timeout', '10', '-H', 'Expect: 100-continue', '-H', 'content-type: application/json',
      '--data-binary', `@${file}`, '-w', '\n%{http_code} %{size_upload}', `${h.url}/v1/chat/completions`,
    ]);
    const lines = stdout.trimEnd().split('\n');
    const [status, uploaded] = lines.pop()!.split(' ').map(Number);
    return { status: status!, uploaded: uploaded!, body: lines.join('\n'), continued: /^< HTTP\/1\.1 100 /m.test(stderr) };
  }

  it('an upload over the limit is refused before curl sends a byte of it', async () => {
    const result = await curl(BODY_LIMIT * 50);
    expect(result.status).toBe(413);
    expect(result.continued).toBe(false);
    expect(result.uploaded).toBe(0);
    expect((JSON.parse(result.body) as { error: { code: string } }).error.code).toBe('payload_too_large');
  }, 20_000);

  it('an upload within the limit is continued and served', async () => {
    const result = await curl(BODY_LIMIT / 2);
    expect(result.status).toBe(200);
    expect(result.continued).toBe(true);
    expect(result.uploaded).toBeGreaterThan(0);
  }, 20_000);
});

/** The handler on its own: a socket that is gone is destroyed, never written to. */
describe('clientError on a socket that is already gone', () => {
  function fakeSocket(writable: boolean): Duplex & { written: string[]; destroyedCalls: number } {
    const socket = new Duplex({ read() {}, write(chunk: Buffer, _encoding, callback) { socket.written.push(chunk.toString()); callback(); } }) as Duplex & { written: string[]; destroyedCalls: number };
    socket.written = [];
    socket.destroyedCalls = 0;
    const destroy = socket.destroy.bind(socket);
    socket.destroy = ((error?: Error) => {
      socket.destroyedCalls += 1;
      return destroy(error);
    }) as typeof socket.destroy;
    if (!writable) socket.end();
    return socket;
  }

  it('ECONNRESET and unwritable sockets are destroyed without a write; a live one gets the JSON 400', async () => {
    const server = createServer();
    const reasons: string[] = [];
    answerNodeRefusals(server, { bodyLimitBytes: 10, headersTimeoutMs: 1, bodyTimeoutMs: 1, onRefused: (reason) => reasons.push(reason) });
    const reset = fakeSocket(true);
    server.emit('clientError', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), reset);
    const ended = fakeSocket(false);
    server.emit('clientError', Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' }), ended);
    const live = fakeSocket(true);
    server.emit('clientError', Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' }), live);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reset.written).toEqual([]);
    expect(reset.destroyedCalls).toBeGreaterThan(0);
    expect(ended.written).toEqual([]);
    expect(ended.destroyedCalls).toBeGreaterThan(0);
    expect(live.written.join('')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\n\{"error":\{"message":/);
    expect(live.destroyedCalls).toBeGreaterThan(0);
    expect(reasons).toEqual(['invalid_request']);
  });
});

/**
 * The one 503 Node sends on its own is for a request past `maxRequestsPerSocket` on a connection.
 * The connection is closed after its last allowed answer, so even a pipelining client, whose later
 * requests Node has already parsed (and answered 503 into the queue), never receives a bare 503.
 */
describe('no bare 503 past maxRequestsPerSocket, even pipelined', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false }, server: { ...input.server, maxRequestsPerSocket: 2 } }) });
  });
  afterAll(() => h.close());

  it.each([
    ['a hono route', 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['the proxy route, with a slow upstream', (() => {
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], mock: { latencyMs: 200 } });
      return `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    })()],
  ])('%s: four pipelined requests get two answers and a close', async (_name, request) => {
    const socket = connect(Number(new URL(h.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(request.repeat(4));
    await closed;
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
    expect(statuses).toEqual([200, 200]);
  });
});
