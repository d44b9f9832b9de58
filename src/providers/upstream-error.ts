import { GatewayError, isRetryableStatus } from '../domain/errors.ts';
import { safeParseJson } from '../domain/safe-parse-json.ts';
import { asRecord } from './read-fields.ts';

type Headers = Record<string, string | string[] | undefined>;

/** Longest upstream message echoed to the caller (a huge body is cut, an HTML page is not echoed). */
const MAX_MESSAGE_CHARS = 2000;
const MAX_TEXT_BODY_CHARS = 300;

/**
 * Maps an upstream error response (OpenAI `{error:{message}}` or Anthropic
 * `{type:'error',error:{message}}` envelopes, or anything else) to a GatewayError the caller can act
 * on. Client mistakes (400/413/422) keep their status and the upstream's message verbatim (SDKs and
 * agents match context-length messages on their text); the gateway's own upstream credential being
 * refused (401/403) is a 502, since the caller cannot fix it, and the key is never echoed; rate
 * limits and server errors are retryable, with `retry-after` carried through.
 */
export function parseUpstreamError(status: number, bodyText: string, headers: Headers): GatewayError {
  const upstream = upstreamMessage(bodyText);
  const message = upstream?.message ?? `the upstream answered HTTP ${status}`;
  const prefixed = upstream ? `upstream: ${upstream.message}` : message;
  const retryHeaders = retryAfterHeaders(headers);
  if (status === 400 || status === 422) {
    return new GatewayError('invalid_request', message, { status, ...(upstream?.param && { param: upstream.param }) });
  }
  if (status === 413) return new GatewayError('payload_too_large', message, { status });
  if (status === 401 || status === 403) {
    return new GatewayError(
      'upstream_error',
      `the upstream rejected the gateway's credentials (HTTP ${status}): check the provider's apiKey in the Tollgate config`,
      { status: 502, retryable: false },
    );
  }
  if (status === 404) {
    return new GatewayError(/model/i.test(message) ? 'model_not_found' : 'not_found', message, { status: 404 });
  }
  if (status === 408) return new GatewayError('upstream_timeout', prefixed, { retryable: true, headers: retryHeaders });
  if (status === 429) return new GatewayError('rate_limited', prefixed, { retryable: true, headers: retryHeaders });
  if (status === 503 || status === 529) return new GatewayError('upstream_unavailable', prefixed, { retryable: true, headers: retryHeaders });
  return new GatewayError('upstream_error', prefixed, { retryable: isRetryableStatus(status), headers: retryHeaders });
}

interface UpstreamMessage {
  message: string;
  param: string | undefined;
}

/** The upstream's own message (and OpenAI `param`), when the body carries one. */
export function upstreamMessage(bodyText: string): UpstreamMessage | undefined {
  const parsed = safeParseJson(bodyText);
  if (parsed.ok) {
    const body = asRecord(parsed.value);
    const error = body?.error;
    const errorRecord = asRecord(error);
    const text = typeof error === 'string' ? error : (errorRecord?.message ?? body?.message ?? body?.detail);
    if (typeof text !== 'string' || text === '') return undefined;
    const param = errorRecord?.param;
    return { message: text.slice(0, MAX_MESSAGE_CHARS), param: typeof param === 'string' && param ? param : undefined };
  }
  const trimmed = bodyText.trim();
  if (!trimmed || trimmed.startsWith('<')) return undefined;
  return { message: trimmed.slice(0, MAX_TEXT_BODY_CHARS), param: undefined };
}

/** `retry-after` (seconds or a date) and OpenAI/Anthropic's `retry-after-ms`, when the upstream sent them. */
function retryAfterHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['retry-after', 'retry-after-ms']) {
    const value = header(headers, name);
    if (value) out[name] = value;
  }
  return out;
}

function header(headers: Headers, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const [key, candidate] of Object.entries(headers)) if (key.toLowerCase() === name) value = candidate;
  }
  return Array.isArray(value) ? value[0] : value;
}
