import { GatewayError } from '../domain/errors.ts';
import { safeParseJson } from '../domain/safe-parse-json.ts';
import { asRecord } from './read-fields.ts';

type Headers = Record<string, string | string[] | undefined>;

/**
 * Maps an upstream error response (OpenAI `{error:{message}}` or Anthropic
 * `{type:'error',error:{message}}` envelopes, or anything else) to a GatewayError the caller can act
 * on: client mistakes keep their status and the upstream's message; the gateway's own upstream
 * credential being refused is a 502 (the caller cannot fix it, and the key is never echoed);
 * rate limits and server errors are retryable, with `retry-after` carried through.
 */
export function parseUpstreamError(status: number, bodyText: string, headers: Headers): GatewayError {
  const message = upstreamMessage(bodyText) ?? `the upstream answered HTTP ${status}`;
  const retryAfter = header(headers, 'retry-after');
  const retryHeaders: Record<string, string> = retryAfter ? { 'retry-after': retryAfter } : {};
  if (status === 400 || status === 413 || status === 422) {
    return new GatewayError(status === 413 ? 'payload_too_large' : 'invalid_request', message, { status: status === 413 ? 413 : 400 });
  }
  if (status === 401 || status === 403) {
    return new GatewayError('upstream_error', `the upstream rejected the gateway's credentials (HTTP ${status}): check the provider's apiKey in the Tollgate config`);
  }
  if (status === 404) {
    return /model/i.test(message) ? new GatewayError('model_not_found', message) : new GatewayError('not_found', message);
  }
  if (status === 408) return new GatewayError('upstream_timeout', message, { retryable: true });
  if (status === 429) return new GatewayError('rate_limited', message, { retryable: true, headers: retryHeaders });
  if (status === 503 || status === 529) return new GatewayError('upstream_unavailable', message, { retryable: true, headers: retryHeaders });
  if (status >= 500) return new GatewayError('upstream_error', message, { retryable: true, headers: retryHeaders });
  return new GatewayError('upstream_error', message, { retryable: status === 409 });
}

/** The upstream's own message, when the body carries one; bounded so a huge HTML page is not echoed. */
function upstreamMessage(bodyText: string): string | undefined {
  const parsed = safeParseJson(bodyText);
  if (parsed.ok) {
    const body = asRecord(parsed.value);
    const error = body?.error;
    const text = typeof error === 'string' ? error : asRecord(error)?.message ?? body?.message ?? body?.detail;
    if (typeof text === 'string' && text) return `upstream: ${text.slice(0, 2000)}`;
    return undefined;
  }
  const trimmed = bodyText.trim();
  return trimmed && !trimmed.startsWith('<') ? `upstream: ${trimmed.slice(0, 300)}` : undefined;
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
