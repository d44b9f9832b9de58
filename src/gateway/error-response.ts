import { renderErrorBody, type WireFormat } from '../domain/error-envelope.ts';
import type { GatewayError } from '../domain/errors.ts';

/** What an error response is made of, for either front end (a web Response, or Node's `writeHead` + `end`). */
export interface ErrorParts {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A GatewayError in the caller's own envelope, with the request id when there is one. */
export function errorParts(error: GatewayError, wire: WireFormat, requestId?: string): ErrorParts {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...error.headers };
  if (requestId) headers['x-tollgate-request-id'] = requestId;
  return { status: error.status, headers, body: JSON.stringify(renderErrorBody(error, wire)) };
}

/** A GatewayError as an HTTP response in the caller's own envelope. */
export function errorResponse(error: GatewayError, wire: WireFormat, requestId?: string): Response {
  const parts = errorParts(error, wire, requestId);
  return new Response(parts.body, { status: parts.status, headers: parts.headers });
}
