import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockWire } from './errors.ts';

/** Reads a request body as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [only] = chunks;
      resolve(chunks.length === 1 && only ? only.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

/**
 * Waits, unless the connection closes first (client gone, or the mock closing). Resolves true
 * when the response can still be written.
 */
export function waitWhileOpen(ms: number, response: ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!response.destroyed);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(!response.destroyed);
    }, ms);
    response.once('close', onClose);
  });
}

/** The header carrying the request id: `x-request-id` (OpenAI) or `request-id` (Anthropic). */
export function requestIdHeader(wire: MockWire): string {
  return wire === 'anthropic' ? 'request-id' : 'x-request-id';
}

/** Sends a JSON body; with `dropBody` sends the headers and half the body, then destroys the socket. */
export function sendJson(response: ServerResponse, input: { wire: MockWire; requestId: string; body: string; dropBody?: boolean }): void {
  const length = Buffer.byteLength(input.body);
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': length,
    [requestIdHeader(input.wire)]: input.requestId,
  });
  if (!input.dropBody) {
    response.end(input.body);
    return;
  }
  const half = Buffer.from(input.body).subarray(0, Math.floor(length / 2));
  response.write(half, () => response.destroy());
}

/** A 200 whose body is not JSON, with a JSON content type (a broken proxy or server). */
export function sendGarbage(response: ServerResponse, stream: boolean): void {
  if (stream) {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    response.end('event: message_start\ndata: {"choices": [ this is not json\n\n');
    return;
  }
  const body = '<html><body><h1>200 OK</h1> this is not JSON {"choices": [</body></html>';
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
