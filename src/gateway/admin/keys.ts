import type { Hono } from 'hono';
import { z } from 'zod';
import { GatewayError } from '../../domain/errors.ts';
import type { Runtime } from '../../runtime/types.ts';
import type { GatewayEnv } from '../context.ts';
import { parseAdminBody } from './parse-admin-body.ts';

const createKeySchema = z
  .object({
    name: z.string().min(1).max(128),
    org: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).default('default'),
    project: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).default('default'),
    user: z.string().max(128).optional(),
    tags: z.array(z.string().max(128)).max(32).default([]),
    allowAttributionHeaders: z.boolean().default(false),
  })
  .strict();

/** Virtual keys: list, create (the secret is shown once), revoke. */
export function registerKeyRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/keys', async (c) => c.json({ data: await runtime.keys.list() }));
  app.post('/api/keys', async (c) => {
    const input = await parseAdminBody(c.req.raw, createKeySchema);
    const created = await runtime.keys.create({
      name: input.name,
      orgId: input.org,
      projectId: input.project,
      userId: input.user ?? null,
      tags: input.tags,
      allowAttributionHeaders: input.allowAttributionHeaders,
    });
    return c.json({ key: created.key, secret: created.secret }, 201);
  });
  app.delete('/api/keys/:id', async (c) => {
    const revoked = await runtime.keys.revoke(c.req.param('id'), runtime.deps.now());
    if (!revoked) throw new GatewayError('not_found', `No active key with id ${c.req.param('id')}`);
    runtime.invalidateKeys();
    return c.json({ id: c.req.param('id'), revoked: true });
  });
}
