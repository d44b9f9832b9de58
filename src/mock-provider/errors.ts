import type { ServerResponse } from 'node:http';
import type { MockFailure } from './types.ts';

/** Which API's conventions a response follows. */
export type MockWire = 'openai' | 'anthropic';

/** An error to render in the caller's envelope. */
export interface MockError {
  status: number;
  message?: string;
  type?: string;
  /** OpenAI only. */
  param?: string | null;
  /** OpenAI only. */
  code?: string | null;
  retryAfterMs?: number;
}

interface ErrorDefaults {
  type: string;
  message: string;
  code: string | null;
}

/** What OpenAI sends for each status (types and codes as seen on the real API). */
function openAiDefaults(status: number): ErrorDefaults {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'Invalid request (mock).', code: null };
    case 401:
      return { type: 'invalid_request_error', message: 'Incorrect API key provided (mock).', code: 'invalid_api_key' };
    case 403:
      return { type: 'invalid_request_error', message: 'You are not allowed to use this model (mock).', code: null };
    case 404:
      return { type: 'invalid_request_error', message: 'The model does not exist or you do not have access to it (mock).', code: 'model_not_found' };
    case 429:
      return { type: 'requests', message: 'Rate limit reached for requests (mock). Please try again in 1s.', code: 'rate_limit_exceeded' };
    case 500:
      return { type: 'server_error', message: 'The server had an error while processing your request. Sorry about that! (mock)', code: null };
    case 503:
    case 529:
      return { type: 'server_error', message: 'The engine is currently overloaded, please try again later (mock).', code: null };
    default:
      return status >= 500
        ? { type: 'server_error', message: `Upstream error ${status} (mock).`, code: null }
        : { type: 'invalid_request_error', message: `Request failed with status ${status} (mock).`, code: null };
  }
}

/** Anthropic's documented error types per status. */
function anthropicDefaults(status: number): Omit<ErrorDefaults, 'code'> {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'Invalid request (mock).' };
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key' };
    case 402:
      return { type: 'billing_error', message: 'Your credit balance is too low (mock).' };
    case 403:
      return { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource (mock).' };
    case 404:
      return { type: 'not_found_error', message: 'The requested resource could not be found (mock).' };
    case 413:
      return { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes (mock).' };
    case 429:
      return { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit (mock).' };
    case 504:
      return { type: 'timeout_error', message: 'Request timed out (mock).' };
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded' };
    default:
      return status >= 500
        ? { type: 'api_error', message: 'Internal server error (mock).' }
        : { type: 'invalid_request_error', message: `Request failed with status ${status} (mock).` };
  }
}

/** The error body in the API's own envelope. */
export function renderMockError(wire: MockWire, error: MockError, requestId: string): Record<string, unknown> {
  if (wire === 'anthropic') {
    const defaults = anthropicDefaults(error.status);
    return {
      type: 'error',
      error: { type: error.type ?? defaults.type, message: error.message ?? defaults.message },
      request_id: requestId,
    };
  }
  const defaults = openAiDefaults(error.status);
  return {
    error: {
      message: error.message ?? defaults.message,
      type: error.type ?? defaults.type,
      param: error.param ?? null,
      code: error.code === undefined ? defaults.code : error.code,
    },
  };
}

/** The in-band error a stream carries (Anthropic `event: error`, OpenAI a `data:` line with `error`). */
export function renderStreamError(wire: MockWire, requestId: string, message?: string): string {
  if (wire === 'anthropic') {
    return `event: error\ndata: ${JSON.stringify(renderMockError(wire, { status: 529, message }, requestId))}\n\n`;
  }
  return `data: ${JSON.stringify(renderMockError(wire, { status: 500, message }, requestId))}\n\n`;
}

/** Sends an error with realistic headers (`retry-after` on 429/503/529, the request id header). */
export function sendMockError(response: ServerResponse, wire: MockWire, error: MockError, requestId: string): void {
  const body = JSON.stringify(renderMockError(wire, error, requestId));
  sendErrorBody(response, wire, error, body, requestId);
}

/** Sends a directive's failure: its raw `body` when given, else the envelope. */
export function sendFailure(response: ServerResponse, wire: MockWire, failure: MockFailure, requestId: string): void {
  const error: MockError = { status: failure.status, message: failure.message, type: failure.type, retryAfterMs: failure.retryAfterMs };
  const body = failure.body ?? JSON.stringify(renderMockError(wire, error, requestId));
  sendErrorBody(response, wire, error, body, requestId);
}

function sendErrorBody(response: ServerResponse, wire: MockWire, error: MockError, body: string, requestId: string): void {
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    [wire === 'anthropic' ? 'request-id' : 'x-request-id']: requestId,
  };
  if (error.retryAfterMs !== undefined) {
    headers['retry-after-ms'] = String(error.retryAfterMs);
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  } else if (error.status === 429 || error.status === 503 || error.status === 529) {
    headers['retry-after'] = '1';
  }
  response.writeHead(error.status, headers);
  response.end(body);
}
