import type { ClientSignal } from '../domain/client-signal.ts';
import { refinePrincipal, type Principal } from '../domain/principal.ts';
import type { Operation, WireFormat } from '../domain/request.ts';
import type { PipelineRequest } from '../pipeline/types.ts';
import { bodyHints, type HeaderReader } from './middleware/authenticate.ts';

const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta', 'x-tollgate-priority', 'x-tollgate-budget-override', 'x-tollgate-strategy', 'x-tollgate-cache', 'x-tollgate-semantic-cache', 'cache-control'] as const;

export interface ProxyRequestInput {
  id: string;
  receivedAtMs: number;
  wire: WireFormat;
  operation: Operation;
  /** The parsed JSON body, as the client sent it (validated by the pipeline). */
  body: unknown;
  header: HeaderReader;
  principal: Principal;
  signal: ClientSignal | undefined;
}

/**
 * The pipeline request of a proxy call, built the same way by either front end: the headers the
 * pipeline may read or forward, and attribution refined by the body's `user`/`metadata`.
 */
export function proxyRequest(input: ProxyRequestInput): PipelineRequest {
  const { body } = input;
  const headers: Record<string, string | undefined> = {};
  for (const name of FORWARDED_HEADERS) headers[name] = input.header(name) ?? undefined;
  const isRecord = body !== null && typeof body === 'object' && !Array.isArray(body);
  return {
    id: input.id,
    receivedAtMs: input.receivedAtMs,
    wire: input.wire,
    operation: input.operation,
    body: body as Record<string, unknown>,
    headers,
    principal: isRecord ? refinePrincipal(input.principal, bodyHints(body as Record<string, unknown>)) : input.principal,
    signal: input.signal,
  };
}
