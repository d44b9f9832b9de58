import { renderErrorBody, type WireFormat } from '../domain/error-envelope.ts';
import type { GatewayError } from '../domain/errors.ts';

/** A GatewayError as an HTTP response in the caller's own envelope. */
export function errorResponse(error: GatewayError, wire: WireFormat, requestId?: string): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...error.headers };
  if (requestId) headers['x-tollgate-request-id'] = requestId;
  return new Response(JSON.stringify(renderErrorBody(error, wire)), { status: error.status, headers });
}
