import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from './domain/errors.ts';
import { errorParts } from './gateway/error-response.ts';
import { PROXY_OPERATIONS, wireOfPath } from './gateway/proxy-paths.ts';

export interface NodeRefusalOptions {
  /** The server's body limit: an `Expect: 100-continue` request declaring more is refused before its upload. */
  bodyLimitBytes: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Counts a refusal (the edge rejection metric), by reason. */
  onRefused(reason: string): void;
  /**
   * The body limit of the virtual key a proxy request presents, when it sets one (smaller than the
   * server's: a key only lowers it). Asked only for `Expect: 100-continue` on a proxy path whose declared
   * length fits the server's limit. A failure or no key means the server's limit (the request path
   * then authenticates as usual).
   */
  keyBodyLimit?: (request: IncomingMessage) => Promise<number | undefined>;
}

/** How long a socket answered from here may take to flush its answer before it is destroyed anyway. */
const FLUSH_GRACE_MS = 1_000;

/**
 * The answers Node's HTTP server would otherwise send on its own, bare (a status line and
 * `Connection: close`, no body), given in the API's error envelope instead:
 * - `clientError` (llhttp refused the request line or headers: 400, headers too large: 431, chunk
 *   extensions too large: 413; headers or upload deadline passed: 408), written straight to the socket
 *   since there is no request, and never to a socket that is gone or has an answer already started;
 * - `checkContinue`: a body declared over the limit (the server's, or on a proxy path the smaller one
 *   of the virtual key presented) is refused with 413 before `100 Continue`, so the client never
 *   uploads it; otherwise `100 Continue` and the request goes on as usual;
 * - `checkExpectation` (an `Expect` other than 100-continue): 417;
 * - `connect` (CONNECT, which Node answers by resetting the connection): 405.
 * An HTTP/1.1 request without `Host` (Node's bare 400 unless `requireHostHeader` is off) is
 * `refuseWithoutHost`, called first by the request listener.
 */
export function answerNodeRefusals(server: Server, options: NodeRefusalOptions): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => onClientError(error, socket, options));
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    const declared = Number(request.headers['content-length']);
    const refuse = (limit: number) => {
      options.onRefused('payload_too_large');
      // No 100 Continue was sent, so Node marks the answer `Connection: close` itself: the upload never starts.
      answer(response, new GatewayError('payload_too_large', `The request body exceeds the limit of ${limit} bytes`), wireOfPath(pathOf(request)));
    };
    const proceed = () => {
      response.writeContinue();
      server.emit('request', request, response);
    };
    if (declared > options.bodyLimitBytes) return refuse(options.bodyLimitBytes);
    // A key with its own smaller limit: its holder is refused before the upload too, not after it.
    if (!options.keyBodyLimit || !(declared > 0) || !PROXY_OPERATIONS.has(pathOf(request))) return proceed();
    options.keyBodyLimit(request).then(
      (limit) => {
        if (response.writableEnded || request.destroyed) return;
        if (limit !== undefined && limit < options.bodyLimitBytes && declared > limit) refuse(limit);
        else proceed();
      },
      () => {
        if (!response.writableEnded && !request.destroyed) proceed();
      },
    );
  });
  // CONNECT (a client using the gateway as a forward proxy, say HTTPS_PROXY): Node resets the connection without a word.
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    options.onRefused('method_not_allowed');
    const refusal = new GatewayError('method_not_allowed', 'CONNECT is not supported: Tollgate is not a forward proxy; send API requests to its base URL (for example http://host:port/v1)');
    writeAndClose(socket, refusal, ['allow: GET, POST']);
  });
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    options.onRefused('invalid_request');
    const error = new GatewayError('invalid_request', "The only expectation supported is 'Expect: 100-continue'", { status: 417, param: 'expect' });
    answer(response, error, wireOfPath(pathOf(request)));
  });
}

/** Node's own 400 for an HTTP/1.1 request without `Host`, in the API's envelope. Returns whether it answered. */
export function refuseWithoutHost(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.httpVersion !== '1.1' || request.headers.host !== undefined) return false;
  answer(response, new GatewayError('invalid_request', 'An HTTP/1.1 request must carry a Host header', { param: 'host' }), wireOfPath(pathOf(request)));
  return true;
}

function answer(response: ServerResponse, error: GatewayError, wire: 'openai' | 'anthropic'): void {
  const parts = errorParts(error, wire);
  response.shouldKeepAlive = false;
  response.writeHead(parts.status, { ...parts.headers, connection: 'close', 'content-length': String(Buffer.byteLength(parts.body)) });
  response.end(parts.body);
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** What a parser or deadline error is answered with. */
function refusalOf(error: NodeJS.ErrnoException, options: NodeRefusalOptions): GatewayError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError('invalid_request', 'The request headers are too large', { status: 431 });
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new GatewayError('payload_too_large', 'The chunk extensions of the request body are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError('invalid_request', `The request was not received in time (headers within ${options.headersTimeoutMs} ms, the whole request within ${options.bodyTimeoutMs} ms)`, { status: 408 });
    default:
      return new GatewayError('invalid_request', `Malformed HTTP request (${error.code ?? 'parse error'})`);
  }
}

const answered = new WeakSet<Duplex>();

function onClientError(error: NodeJS.ErrnoException, socket: Duplex, options: NodeRefusalOptions): void {
  const gone = error.code === 'ECONNRESET' || error.code === 'EPIPE';
  // The parser may report again on bytes that arrive after the answer: the answer stands, its flush destroys.
  if (answered.has(socket) && !gone) return;
  // A peer that reset or left: nothing to answer, nowhere to write it.
  if (gone || !socket.writable) {
    socket.destroy();
    return;
  }
  // Never corrupt an answer already on its way (Node's own rule): a response whose head is out is cut instead.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  const refusal = refusalOf(error, options);
  options.onRefused(refusal.status === 408 ? 'request_timeout' : refusal.code);
  writeAndClose(socket, refusal);
}

/** A whole answer written straight to the socket (there is no response object), then the connection closed once it is flushed. */
function writeAndClose(socket: Duplex, refusal: GatewayError, extraHeaders: readonly string[] = []): void {
  const parts = errorParts(refusal, 'openai');
  const head = [
    `HTTP/1.1 ${parts.status} ${STATUS_CODES[parts.status] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(parts.body)}`,
    ...extraHeaders,
    'connection: close',
  ].join('\r\n');
  const grace = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS);
  grace.unref();
  socket.end(`${head}\r\n\r\n${parts.body}`, () => {
    clearTimeout(grace);
    socket.destroy();
  });
}
