import { GatewayError } from '../domain/errors.ts';
import { safeParseJson } from '../domain/safe-parse-json.ts';

/** Reads a JSON request body within a byte limit; a declared or actual size over it is a 413. */
export async function readJsonBody(request: Request, limitBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  // With a declared length (every SDK sends one), the server adapter's direct read is used: no web streams.
  const text = Number.isFinite(declared) ? Buffer.from(await request.arrayBuffer()).toString('utf8') : await readLimited(request, limitBytes);
  if (text.length > limitBytes) throw tooLarge(limitBytes);
  if (text.trim() === '') throw new GatewayError('invalid_json', 'The request body is empty; a JSON object is required');
  const parsed = safeParseJson(text);
  if (!parsed.ok) throw new GatewayError('invalid_json', `The request body is not valid JSON: ${parsed.error}`);
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
