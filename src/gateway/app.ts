import { inspect } from 'node:util';
import { Hono } from 'hono';
import { GatewayError, toGatewayError } from '../domain/errors.ts';
import type { Operation } from '../domain/request.ts';
import { recordRejection } from '../pipeline/handle.ts';
import type { Runtime } from './runtime.ts';
import { registerBudgetRoutes } from './admin/budgets.ts';
import { registerCacheRoutes } from './admin/cache.ts';
import { registerKeyRoutes } from './admin/keys.ts';
import { registerOptimizeRoutes } from './admin/optimize.ts';
import { registerRoutingRoutes } from './admin/routing.ts';
import { registerPriceRoutes } from './admin/prices.ts';
import { registerReportRoutes } from './admin/reports.ts';
import { registerForecastRoutes } from './admin/forecast.ts';
import { registerAnomalyRoutes } from './admin/anomalies.ts';
import type { GatewayEnv } from './context.ts';
import { clientAddress } from './client-address.ts';
import { errorResponse } from './error-response.ts';
import { registerWhoamiRoute } from './admin/whoami.ts';
import { adminAccess } from './middleware/admin-access.ts';
import { adminAudit } from './middleware/admin-audit.ts';
import { adminAuth, adminCredentials } from './middleware/admin-auth.ts';
import { RejectionLimiter } from './rejection-limiter.ts';
import { RejectionLog } from './rejection-log.ts';
import { authenticate } from './middleware/authenticate.ts';
import { rejectionGate } from './middleware/rejection-gate.ts';
import { requestId } from './middleware/request-id.ts';
import { registerVirtualKeyFeedback } from './feedback/virtual-key-feedback.ts';
import { registerCountTokensRoute } from './routes/count-tokens.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerModelRoutes } from './routes/models.ts';
import { registerProxyRoutes } from './routes/proxy.ts';
import { registerSelfUsageRoute } from './routes/self-usage.ts';
import { registerUiRoutes } from './ui/routes.ts';

const PROXY_OPERATIONS = new Map<string, Operation>([
  ['/v1/chat/completions', 'chat'],
  ['/v1/completions', 'completion'],
  ['/v1/embeddings', 'embedding'],
  ['/v1/messages', 'messages'],
]);

/** Refusals after which the connection is closed rather than kept alive: Node would otherwise read and discard the rest of an unread (say 10 MB) upload. */
const CLOSE_AFTER = new Set(['unauthorized', 'payload_too_large', 'rate_limited']);

/** Refusals that cost the client address one token of its rejection allowance. */
const CHARGED = new Set(['unauthorized', 'forbidden', 'invalid_json', 'payload_too_large']);

/**
 * The HTTP edge, in order: request id → refusal allowance per address → (proxy) auth → route → pipeline;
 * (admin) admin key → route.
 * Every error, thrown anywhere, leaves through `onError` in the caller's own envelope.
 */
export function createApp(runtime: Runtime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const { config } = runtime;

  const credentials = adminCredentials({ adminKey: runtime.adminKey, viewerKey: runtime.viewerKey, keys: config.admin.keys });
  const limiter = new RejectionLimiter(config.server.rejectionRateLimit, runtime.deps.now);
  const rejections = new RejectionLog((line) => console.warn(`[tollgate] ${line}`), runtime.deps.now);

  app.use('*', requestId(runtime.deps.now));
  registerHealthRoutes(app, runtime, credentials);
  // The dashboard is static code; everything it shows comes from the admin API under its own key.
  registerUiRoutes(app);

  app.use('/v1/*', rejectionGate(limiter));
  app.use('/api/*', rejectionGate(limiter));
  app.use('/v1/*', authenticate({ lookupKey: (secret) => runtime.lookupKey(secret), anonymous: config.server.anonymous, now: runtime.deps.now }));
  registerModelRoutes(app, config, runtime.startedAtMs);
  registerSelfUsageRoute(app, runtime);
  const bodyLimits = { bytes: config.server.bodyLimitBytes, depth: config.server.maxJsonDepth };
  registerProxyRoutes(app, runtime.deps, bodyLimits);
  registerCountTokensRoute(app, runtime.deps, bodyLimits);
  registerVirtualKeyFeedback(app, runtime);

  app.use('/api/*', adminAuth(credentials));
  app.use('/api/*', adminAudit((line) => runtime.log(line)));
  app.use('/api/*', adminAccess());
  registerWhoamiRoute(app);
  registerKeyRoutes(app, runtime);
  registerReportRoutes(app, runtime);
  registerForecastRoutes(app, runtime);
  registerAnomalyRoutes(app, runtime);
  registerPriceRoutes(app, runtime);
  registerBudgetRoutes(app, runtime);
  registerRoutingRoutes(app, runtime);
  registerOptimizeRoutes(app, runtime);
  registerCacheRoutes(app, runtime);

  app.notFound((c) => errorResponse(new GatewayError('not_found', `No route for ${c.req.method} ${c.req.path}`), c.get('wire') ?? 'openai', c.get('requestId')));
  app.onError((error, c) => {
    const gatewayError = withoutSecrets(toGatewayError(error), runtime);
    const id = c.get('requestId');
    if (gatewayError.code === 'internal') console.error(runtime.secrets.scrub(`[tollgate] ${id ?? ''} internal error ${inspect(error)}`));
    const operation = PROXY_OPERATIONS.get(c.req.path);
    const principal = c.get('principal');
    if (gatewayError.code === 'client_closed' && operation && principal && id) {
      // A known client that left mid-upload: one 499 row, no stack trace.
      recordRejection({ id, receivedAtMs: c.get('receivedAtMs'), wire: c.get('wire'), operation, principal }, gatewayError, runtime.deps);
    } else if (gatewayError.code !== 'internal') {
      // Refused at the edge (no or bad key, bad JSON, too large, rate-limited): counted and sampled, never a ledger row.
      const address = clientAddress(c);
      runtime.deps.metrics.observeEdgeRejection(gatewayError.code);
      rejections.note(gatewayError.code, address);
      if (CHARGED.has(gatewayError.code)) limiter.charge(address);
    }
    const response = errorResponse(gatewayError, c.get('wire') ?? 'openai', id);
    if (CLOSE_AFTER.has(gatewayError.code)) response.headers.set('connection', 'close');
    return response;
  });
  return app;
}

/** A last line of defence: no error message leaves with a configured secret in it, whatever produced it. */
function withoutSecrets(error: GatewayError, runtime: Runtime): GatewayError {
  const message = runtime.secrets.scrub(error.message);
  if (message === error.message) return error;
  return new GatewayError(error.code, message, { status: error.status, param: error.param, retryable: error.retryable, headers: error.headers, cause: error });
}
