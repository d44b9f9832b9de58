import { GatewayError } from '../domain/errors.ts';
import { safeParseJson } from '../domain/safe-parse-json.ts';

export interface BodyLimits {
  /** Largest accepted body in bytes (declared or actual); over it is a 413. */
  bytes: number;
  /** Deepest accepted array/object nesting; deeper is a 400 (checked before parsing). */
  depth: number;
}

/**
 * Reads a JSON request body within a byte limit and a nesting limit. A declared or actual size
 * over the limit is a 413; a client that goes away mid-upload is a 499 (`client_closed`), not a crash.
 */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limits.bytes) throw tooLarge(limits.bytes);
  let text: string;
  try {
    // With a declared length (every SDK sends one), the server adapter's direct read is used: no web streams.
    text = Number.isFinite(declared) ? Buffer.from(await request.arrayBuffer()).toString('utf8') : await readLimited(request, limits.bytes);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new GatewayError('client_closed', 'The client closed the connection before the request body was complete', { cause: error });
  }
  if (text.length > limits.bytes) throw tooLarge(limits.bytes);
  if (text.trim() === '') throw new GatewayError('invalid_json', 'The request body is empty; a JSON object is required');
  const parsed = safeParseJson(text, { maxDepth: limits.depth });
  if (!parsed.ok) {
    throw new GatewayError('invalid_json', parsed.tooDeep ? `The request body nests arrays/objects deeper than ${limits.depth} levels` : `The request body is not valid JSON: ${parsed.error}`);
  }
  return parsed.value;
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
