import type { MiddlewareHandler } from 'hono';
import { canWrite, isOperator } from '../../domain/admin-principal.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { GatewayEnv } from '../context.ts';

/** POSTs that change nothing (a computation over the catalogue): viewers may call them. */
const READ_ONLY_POSTS: readonly RegExp[] = [/^\/api\/optimize\/batch$/];

/**
 * The admin routes an org-confined key may call: those holding no tenant data (prices, the model
 * catalogue, batch optimisation) and those that confine themselves to the caller's org (reports
 * and ledger force the org filter; keys, budgets, alerts and anomalies use `requireOrg`). Everything else
 * (cache stats, warm and purge, routing analytics, experiments, feedback) spans every org or
 * changes global state and is the operator's. Deny by default: a route added later is operator-only
 * until it is listed here.
 */
const ORG_ROUTES: readonly RegExp[] = [
  /^\/api\/whoami$/,
  /^\/api\/report$/,
  /^\/api\/ledger$/,
  /^\/api\/cost\/forecast$/,
  /^\/api\/cost\/report$/,
  /^\/api\/prices\/.+$/,
  /^\/api\/optimize\/batch$/,
  /^\/api\/routing\/catalogue$/,
  /^\/api\/keys(\/[^/]+)?$/,
  /^\/api\/budgets(\/[^/]+)?$/,
  /^\/api\/budgets\/[^/]+\/reset$/,
  /^\/api\/alerts$/,
  /^\/api\/cost\/anomalies$/,
  /^\/api\/cost\/anomalies\/[^/]+\/(acknowledge|resolve)$/,
];

/** One generic rule for every admin route: viewers only read; org-confined keys reach only org-aware routes. */
export const adminAccess = (): MiddlewareHandler<GatewayEnv> =>
  async function adminAccessMiddleware(c, next) {
    const admin = c.get('admin');
    const method = c.req.method;
    const path = c.req.path;
    const reads = method === 'GET' || method === 'HEAD' || (method === 'POST' && READ_ONLY_POSTS.some((route) => route.test(path)));
    if (!reads && !canWrite(admin)) throw new GatewayError('forbidden', 'This admin key is read-only (viewer role)');
    if (!isOperator(admin) && !ORG_ROUTES.some((route) => route.test(path))) {
      throw new GatewayError('forbidden', `${method} ${path} spans every org: only an operator key may call it`);
    }
    await next();
  };
