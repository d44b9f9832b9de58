import type { Hono } from 'hono';
import type { GatewayEnv } from '../context.ts';
import { adminOf } from './guard.ts';

/** `GET /api/whoami`: the caller's role and org confinement (the dashboard shows or hides controls by it). */
export function registerWhoamiRoute(app: Hono<GatewayEnv>): void {
  app.get('/api/whoami', (c) => {
    const admin = adminOf(c);
    return c.json({ name: admin.name, role: admin.role, org: admin.orgId ?? null });
  });
}
