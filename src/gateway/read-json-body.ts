import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import { rememberSourceLength } from '../domain/inbound.ts';
import { safeParseJson } from '../domain/safe-parse-json.ts';

export interface BodyLimits {
  /** Largest accepted body in bytes (declared or actual); over it is a 413. */
  bytes: number;
  /** Deepest accepted array/object nesting; deeper is a 400 (checked before parsing). */
  depth: number;
}

/**
 * A virtual key may carry its own body limit (set by the keys admin API); the server's applies otherwise.
 * A key may lower the server's limit, never raise it: an org admin's key cannot buy itself a bigger stall.
 */
export function bodyLimitsFor(principal: Principal, limits: BodyLimits): BodyLimits {
  const perKey = principal.bodyLimitBytes;
  return typeof perKey === 'number' && perKey > 0 ? { ...limits, bytes: Math.min(perKey, limits.bytes) } : limits;
}

/**
 * Reads a JSON request body within a byte limit and a nesting limit. A declared or actual size
 * over the limit is a 413; a client that goes away mid-upload is a 499 (`client_closed`), not a crash.
 */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<unknown> {
  const declared = declaredLength(request.headers.get('content-length'));
  if (declared > limits.bytes) throw tooLarge(limits.bytes);
  let text: string;
  try {
    // With a declared length (every SDK sends one), the server adapter's direct read is used: no web streams.
    text = Number.isFinite(declared) ? Buffer.from(await request.arrayBuffer()).toString('utf8') : await readLimited(request, limits.bytes);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw clientClosed(error);
  }
  return parseJsonBody(text, limits);
}

/**
 * The same read straight from Node's request stream (the proxy fast path): the same limits, the
 * same errors, no web Request in between.
 */
export function readIncomingJsonBody(incoming: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const header = incoming.headers['content-length'];
  const declared = declaredLength(header);
  if (declared > limits.bytes) return Promise.reject(tooLarge(limits.bytes));
  // The client left while the key was being looked up: its 'close' has already fired.
  if (incoming.destroyed && !incoming.readableEnded) return Promise.reject(clientClosed(incoming.errored ?? new Error('request closed before its body was complete')));
  return new Promise<unknown>((resolve, reject) => new IncomingBodyRead(incoming, limits, resolve, reject).start());
}

/**
 * One body read from Node's request stream: its listeners are bound methods of one object (under
 * tsx's keepNames each named closure cost an Object.defineProperty per request, five of them here),
 * removed together once it ends, fails, or goes over the limit.
 */
class IncomingBodyRead {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly onData: (chunk: Buffer) => void;
  private readonly onEnd: () => void;
  private readonly onError: (error: Error) => void;
  private readonly onClose: () => void;

  constructor(
    private readonly incoming: IncomingMessage,
    private readonly limits: BodyLimits,
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.onData = this.data.bind(this);
    this.onEnd = this.end.bind(this);
    this.onError = this.error.bind(this);
    this.onClose = this.close.bind(this);
  }

  start(): void {
    this.incoming.on('data', this.onData);
    this.incoming.on('end', this.onEnd);
    this.incoming.on('error', this.onError);
    this.incoming.on('close', this.onClose);
  }

  private data(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.limits.bytes) {
      this.incoming.pause();
      this.done(tooLarge(this.limits.bytes));
      return;
    }
    this.chunks.push(chunk);
  }

  private end(): void {
    this.done(undefined);
  }

  private error(error: Error): void {
    this.done(clientClosed(error));
  }

  private close(): void {
    if (!this.incoming.complete) this.done(clientClosed(new Error('request closed before its body was complete')));
  }

  private done(error: GatewayError | undefined): void {
    const { incoming, chunks } = this;
    incoming.off('data', this.onData);
    incoming.off('end', this.onEnd);
    incoming.off('error', this.onError);
    incoming.off('close', this.onClose);
    if (error) {
      this.reject(error);
      return;
    }
    try {
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, this.size).toString('utf8');
      this.resolve(parseJsonBody(text, this.limits));
    } catch (parseError) {
      this.reject(parseError);
    }
  }
}

/** The checks after the bytes are in: size, emptiness, nesting depth, then the JSON itself. */
export function parseJsonBody(text: string, limits: BodyLimits): unknown {
  if (text.length > limits.bytes) throw tooLarge(limits.bytes);
  if (text.trim() === '') throw new GatewayError('invalid_json', 'The request body is empty; a JSON object is required');
  const parsed = safeParseJson(text, { maxDepth: limits.depth });
  if (!parsed.ok) {
    throw new GatewayError('invalid_json', parsed.tooDeep ? `The request body nests arrays/objects deeper than ${limits.depth} levels` : `The request body is not valid JSON: ${parsed.error}`);
  }
  // What the prompt's tokens are bounded by, without tokenising or serialising it again (inbound.ts).
  if (typeof parsed.value === 'object' && parsed.value !== null) rememberSourceLength(parsed.value, text.length);
  return parsed.value;
}

/** The declared `content-length`, NaN when absent or not a number. */
function declaredLength(header: string | null | undefined): number {
  return Number(header ?? 'NaN');
}

async function readLimited(request: Request, limitBytes: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function tooLarge(limitBytes: number): GatewayError {
  return new GatewayError('payload_too_large', `The request body exceeds the limit of ${limitBytes} bytes`);
}

function clientClosed(cause: unknown): GatewayError {
  return new GatewayError('client_closed', 'The client closed the connection before the request body was complete', { cause });
}
