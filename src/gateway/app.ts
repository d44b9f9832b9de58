import { Hono } from 'hono';
import { GatewayError } from '../domain/errors.ts';
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
import { createEdge, type Edge } from './edge.ts';
import { PROXY_OPERATIONS } from './proxy-paths.ts';
import { authenticate } from './middleware/authenticate.ts';
import { rejectionGate } from './middleware/rejection-gate.ts';
import { requestId } from './middleware/request-id.ts';
import { registerVirtualKeyFeedback } from './feedback/virtual-key-feedback.ts';
import { registerCountTokensRoute } from './routes/count-tokens.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMethodNotAllowed } from './routes/method-not-allowed.ts';
import { registerModelRoutes } from './routes/models.ts';
import { registerProxyRoutes } from './routes/proxy.ts';
import { registerSelfUsageRoute } from './routes/self-usage.ts';
import { registerUiRoutes } from './ui/routes.ts';

/**
 * The HTTP edge, in order: request id → refusal allowance per address → (proxy) auth → route → pipeline;
 * (admin) admin key → route.
 * Every error, thrown anywhere, leaves through `onError` in the caller's own envelope.
 */
export function createApp(runtime: Runtime, edge: Edge = createEdge(runtime)): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const { config } = runtime;

  const credentials = adminCredentials({ adminKey: runtime.adminKey, viewerKey: runtime.viewerKey, keys: config.admin.keys });
  const { limiter } = edge;

  app.use('*', requestId(runtime.deps.now));
  registerHealthRoutes(app, runtime, credentials);
  // The dashboard is static code; everything it shows comes from the admin API under its own key.
  registerUiRoutes(app);

  app.use('/v1/*', rejectionGate(limiter));
  app.use('/api/*', rejectionGate(limiter));
  app.use('/v1/*', authenticate(edge.auth));
  registerModelRoutes(app, config, runtime.startedAtMs);
  registerSelfUsageRoute(app, runtime);
  const { bodyLimits } = edge;
  registerProxyRoutes(app, runtime.deps, bodyLimits);
  registerCountTokensRoute(app, runtime.deps, bodyLimits);
  registerVirtualKeyFeedback(app, runtime);
  registerMethodNotAllowed(app, '/v1/');

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
    const parts = edge.onError(error, {
      requestId: c.get('requestId'),
      receivedAtMs: c.get('receivedAtMs'),
      wire: c.get('wire'),
      operation: PROXY_OPERATIONS.get(c.req.path),
      principal: c.get('principal'),
      address: clientAddress(c),
    });
    return new Response(parts.body, { status: parts.status, headers: parts.headers });
  });
  return app;
}
