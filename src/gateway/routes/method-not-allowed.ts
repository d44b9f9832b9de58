import type { Hono } from 'hono';
import { GatewayError } from '../../domain/errors.ts';
import type { GatewayEnv } from '../context.ts';

/**
 * A path served under `prefix` asked with a method it is not served for: 405 with `allow` (RFC
 * 9110) in the caller's envelope, rather than a 404 that reads as "no such endpoint". Built from
 * the routes registered so far, so call it after them; HEAD is allowed wherever GET is (hono
 * answers it with the GET route).
 */
export function registerMethodNotAllowed(app: Hono<GatewayEnv>, prefix: string): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    // Middleware (`app.use`) is registered for every method.
    if (route.method === 'ALL' || !route.path.startsWith(prefix)) continue;
    const methods = methodsByPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
    methodsByPath.set(route.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].join(', ');
    app.all(path, (c) => {
      throw new GatewayError('method_not_allowed', `${c.req.method} ${c.req.path} is not supported; use ${allow}`, { headers: { allow } });
    });
  }
}
