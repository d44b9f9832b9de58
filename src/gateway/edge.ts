import type { ErrorParts } from './error-response.ts';
import { edgeErrorHandler, type EdgeErrorContext } from './edge-errors.ts';
import type { AuthOptions } from './middleware/authenticate.ts';
import type { BodyLimits } from './read-json-body.ts';
import { RejectionLimiter } from './rejection-limiter.ts';
import { RejectionLog } from './rejection-log.ts';
import type { Runtime } from './runtime.ts';

/**
 * What the HTTP edge keeps across requests, shared by the hono app and the Node fast path so that
 * the two cannot drift: one refusal allowance per address, one refusal log, one authentication
 * setup, one body limit, one error handler.
 */
export interface Edge {
  limiter: RejectionLimiter;
  rejections: RejectionLog;
  auth: AuthOptions;
  bodyLimits: BodyLimits;
  onError: (error: unknown, context: EdgeErrorContext) => ErrorParts;
}

export function createEdge(runtime: Runtime): Edge {
  const { config } = runtime;
  const limiter = new RejectionLimiter(config.server.rejectionRateLimit, runtime.deps.now);
  const rejections = new RejectionLog((line) => console.warn(`[tollgate] ${line}`), runtime.deps.now);
  return {
    limiter,
    rejections,
    auth: { lookupKey: (secret) => runtime.lookupKey(secret), anonymous: config.server.anonymous, now: runtime.deps.now },
    bodyLimits: { bytes: config.server.bodyLimitBytes, depth: config.server.maxJsonDepth },
    onError: edgeErrorHandler(runtime, limiter, rejections),
  };
}
