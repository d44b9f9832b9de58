import { inspect } from 'node:util';
import { Hono } from 'hono';
import { GatewayError, toGatewayError } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { Operation } from '../ledger/record.ts';
import { recordRejection } from '../pipeline/handle.ts';
import type { Runtime } from '../runtime/types.ts';
import { registerBudgetRoutes } from './admin/budgets.ts';
import { registerCacheRoutes } from './admin/cache.ts';
import { registerKeyRoutes } from './admin/keys.ts';
import { registerOptimizeRoutes } from './admin/optimize.ts';
import { registerRoutingRoutes } from './admin/routing.ts';
import { registerPriceRoutes } from './admin/prices.ts';
import { registerReportRoutes } from './admin/reports.ts';
import type { GatewayEnv } from './context.ts';
import { errorResponse } from './error-response.ts';
import { registerWhoamiRoute } from './admin/whoami.ts';
import { adminAccess } from './middleware/admin-access.ts';
import { adminAudit } from './middleware/admin-audit.ts';
import { adminAuth, adminCredentials } from './middleware/admin-auth.ts';
import { authenticate } from './middleware/authenticate.ts';
import { requestId } from './middleware/request-id.ts';
import { registerVirtualKeyFeedback } from './feedback/virtual-key-feedback.ts';
import { registerCountTokensRoute } from './routes/count-tokens.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerModelRoutes } from './routes/models.ts';
import { registerProxyRoutes } from './routes/proxy.ts';
import { registerSelfUsageRoute } from './routes/self-usage.ts';

const PROXY_OPERATIONS: Record<string, Operation | undefined> = {
  '/v1/chat/completions': 'chat',
  '/v1/completions': 'completion',
  '/v1/embeddings': 'embedding',
  '/v1/messages': 'messages',
};

const UNAUTHENTICATED: Principal = {
  keyId: undefined,
  orgId: 'unauthenticated',
  projectId: 'unauthenticated',
  userId: undefined,
  tags: [],
  allow: { project: false, user: false, tags: false },
};

/**
 * The HTTP edge, in order: request id → (proxy) auth → route → pipeline; (admin) admin key → route.
 * Every error, thrown anywhere, leaves through `onError` in the caller's own envelope.
 */
export function createApp(runtime: Runtime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const { config } = runtime;

  const credentials = adminCredentials({ adminKey: runtime.adminKey, viewerKey: runtime.viewerKey, keys: config.admin.keys });
  app.use('*', requestId(runtime.deps.now));
  registerHealthRoutes(app, runtime, credentials);

  app.use('/v1/*', authenticate({ lookupKey: (secret) => runtime.lookupKey(secret), anonymous: config.server.anonymous, now: runtime.deps.now }));
  registerModelRoutes(app, config, runtime.startedAtMs);
  registerSelfUsageRoute(app, runtime);
  registerProxyRoutes(app, runtime.deps, config.server.bodyLimitBytes);
  registerCountTokensRoute(app, runtime.deps, config.server.bodyLimitBytes);
  registerVirtualKeyFeedback(app, runtime);

  app.use('/api/*', adminAuth(credentials));
  app.use('/api/*', adminAudit((line) => runtime.log(line)));
  app.use('/api/*', adminAccess());
  registerWhoamiRoute(app);
  registerKeyRoutes(app, runtime);
  registerReportRoutes(app, runtime);
  registerPriceRoutes(app, runtime);
  registerBudgetRoutes(app, runtime);
  registerRoutingRoutes(app, runtime);
  registerOptimizeRoutes(app, runtime);
  registerCacheRoutes(app, runtime);

  app.notFound((c) => errorResponse(new GatewayError('not_found', `No route for ${c.req.method} ${c.req.path}`), c.get('wire') ?? 'openai', c.get('requestId')));
  app.onError((error, c) => {
    const gatewayError = withoutSecrets(toGatewayError(error), runtime);
    if (gatewayError.code === 'internal') console.error(runtime.secrets.scrub(`[tollgate] ${c.get('requestId') ?? ''} internal error ${inspect(error)}`));
    const operation = PROXY_OPERATIONS[c.req.path];
    if (operation && c.get('requestId')) {
      // Rejected at the edge (bad key, bad JSON, too large): the ledger still records the attempt.
      recordRejection(
        { id: c.get('requestId'), receivedAtMs: c.get('receivedAtMs'), wire: c.get('wire'), operation, principal: c.get('principal') ?? UNAUTHENTICATED },
        gatewayError,
        runtime.deps,
      );
    }
    return errorResponse(gatewayError, c.get('wire') ?? 'openai', c.get('requestId'));
  });
  return app;
}

/** A last line of defence: no error message leaves with a configured secret in it, whatever produced it. */
function withoutSecrets(error: GatewayError, runtime: Runtime): GatewayError {
  const message = runtime.secrets.scrub(error.message);
  if (message === error.message) return error;
  return new GatewayError(error.code, message, { status: error.status, param: error.param, retryable: error.retryable, headers: error.headers, cause: error });
}
