import { fnv1a32 as hash } from '../domain/hash32.ts';
import { unknownModelError, missingParameter, type Endpoint } from './endpoint.ts';
import { sendJson } from './http.ts';
import { asArray, asNumber, asString, tokensOf } from './read.ts';

/** Default vector size (the real models use 1536 or more; `dimensions` in the request overrides it). */
export const DEFAULT_EMBEDDING_DIMENSIONS = 256;

/**
 * A deterministic unit vector: hashed bag of words (each lower-cased word adds ±1 to one
 * dimension). Texts sharing words are close, so semantic-cache tests get meaningful similarities.
 */
export function embedText(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const value = hash(word);
    const index = value % dimensions;
    vector[index] = (vector[index] ?? 0) + ((value >>> 31) === 1 ? 1 : -1);
  }
  let norm = 0;
  for (const component of vector) norm += component * component;
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] ?? 0) * scale;
  return vector;
}

/** The inputs as texts, and their token count (token-id inputs count their ids). */
function readInputs(input: unknown): { texts: string[]; tokens: number } {
  const single = asString(input);
  if (single !== undefined) return { texts: [single], tokens: Math.max(1, tokensOf(single.length)) };
  const list = asArray(input) ?? [];
  if (list.length > 0 && typeof list[0] === 'number') return { texts: [list.join(' ')], tokens: list.length };
  const texts: string[] = [];
  let tokens = 0;
  for (const item of list) {
    const text = asString(item);
    if (text !== undefined) {
      texts.push(text);
      tokens += Math.max(1, tokensOf(text.length));
    } else {
      const ids = asArray(item) ?? [];
      texts.push(ids.join(' '));
      tokens += ids.length;
    }
  }
  return { texts, tokens };
}

/**
 * `POST /v1/embeddings`: deterministic vectors, as float arrays or, with `encoding_format:
 * "base64"` (what the openai SDK asks for by default), little-endian float32 in base64.
 * Usage has `prompt_tokens` and `total_tokens` only.
 */
export const embeddingsEndpoint: Endpoint = {
  wire: 'openai',
  validate(body, settings) {
    const model = asString(body.model);
    if (!model) return { status: 400, message: 'you must provide a model parameter' };
    if (body.input === undefined) return missingParameter('input');
    return unknownModelError('openai', model, settings);
  },
  handle({ response, body, directive, requestId }) {
    const { texts, tokens } = readInputs(body.input);
    const requested = asNumber(body.dimensions);
    const dimensions = requested !== undefined && requested >= 1 ? Math.min(Math.floor(requested), 8192) : DEFAULT_EMBEDDING_DIMENSIONS;
    const base64 = body.encoding_format === 'base64';
    const data = texts.map((text, index) => {
      const vector = embedText(text, dimensions);
      const embedding = base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector);
      return { object: 'embedding', index, embedding };
    });
    const input = directive.usage?.input ?? tokens;
    const result: Record<string, unknown> = { object: 'list', data, model: body.model };
    if (!directive.noUsage) result.usage = { prompt_tokens: input, total_tokens: input };
    sendJson(response, { wire: 'openai', requestId, body: JSON.stringify(result), dropBody: directive.dropAfterChunks !== undefined });
  },
};
