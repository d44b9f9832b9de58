import { inspect } from 'node:util';
import { GatewayError, toGatewayError } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { Operation, WireFormat } from '../domain/request.ts';
import { recordRejection } from '../pipeline/handle.ts';
import { errorParts, type ErrorParts } from './error-response.ts';
import type { RejectionLimiter } from './rejection-limiter.ts';
import type { RejectionLog } from './rejection-log.ts';
import type { Runtime } from './runtime.ts';

/** Refusals after which the connection is closed rather than kept alive: Node would otherwise read and discard the rest of an unread (say 10 MB) upload. */
const CLOSE_AFTER = new Set(['unauthorized', 'payload_too_large', 'rate_limited']);

/** Refusals that cost the client address one token of its rejection allowance. */
const CHARGED = new Set(['unauthorized', 'forbidden', 'invalid_json', 'payload_too_large']);

/** What the edge knew about a request when something was thrown. */
export interface EdgeErrorContext {
  requestId: string | undefined;
  receivedAtMs: number | undefined;
  wire: WireFormat | undefined;
  /** Set on the proxy routes. */
  operation: Operation | undefined;
  /** Set once authentication passed. */
  principal: Principal | undefined;
  address: string;
}

/**
 * Everything thrown at the HTTP edge leaves through here, from either front end (hono's `onError`
 * and the Node fast path for the proxy routes): secrets scrubbed, a known client leaving mid-upload
 * metered as one 499 row, edge refusals counted, sampled and charged to the address, the
 * connection closed after refusals that may leave an unread upload behind.
 */
export function edgeErrorHandler(runtime: Runtime, limiter: RejectionLimiter, rejections: RejectionLog): (error: unknown, context: EdgeErrorContext) => ErrorParts {
  return (error, context) => {
    const gatewayError = withoutSecrets(toGatewayError(error), runtime);
    const id = context.requestId;
    if (gatewayError.code === 'internal') console.error(runtime.secrets.scrub(`[tollgate] ${id ?? ''} internal error ${inspect(error)}`));
    const { operation, principal } = context;
    if (gatewayError.code === 'client_closed' && operation && principal && id) {
      // A known client that left mid-upload: one 499 row, no stack trace.
      recordRejection({ id, receivedAtMs: context.receivedAtMs ?? runtime.deps.now(), wire: context.wire ?? 'openai', operation, principal }, gatewayError, runtime.deps);
    } else if (gatewayError.code !== 'internal') {
      // Refused at the edge (no or bad key, bad JSON, too large, rate-limited): counted and sampled, never a ledger row.
      runtime.deps.metrics.observeEdgeRejection(gatewayError.code);
      rejections.note(gatewayError.code, context.address);
      if (CHARGED.has(gatewayError.code)) limiter.charge(context.address);
    }
    const parts = errorParts(gatewayError, context.wire ?? 'openai', id);
    if (CLOSE_AFTER.has(gatewayError.code)) parts.headers.connection = 'close';
    return parts;
  };
}

/** A last line of defence: no error message leaves with a configured secret in it, whatever produced it. */
function withoutSecrets(error: GatewayError, runtime: Runtime): GatewayError {
  const message = runtime.secrets.scrub(error.message);
  if (message === error.message) return error;
  return new GatewayError(error.code, message, { status: error.status, param: error.param, retryable: error.retryable, headers: error.headers, cause: error });
}
