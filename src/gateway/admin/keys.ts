import type { Hono } from 'hono';
import { z } from 'zod';
import { label } from '../../config/label.ts';
import { keyLimitFields } from '../../config/schema.ts';
import { seesOrg } from '../../domain/admin-principal.ts';
import { GatewayError } from '../../domain/errors.ts';
import { keyLimitsFromInput } from '../../keys/limits-input.ts';
import type { VirtualKey } from '../../keys/store.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { adminOf, requireOrg, requireWriter } from './guard.ts';
import { parseAdminBody } from './parse-admin-body.ts';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

const createKeySchema = z
  .object({
    name: label().max(128),
    /** Defaults to the caller's org (an org admin), else `default`. */
    org: name.optional(),
    project: name.default('default'),
    user: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/).optional(),
    tags: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/)).max(32).default([]),
    allowAttributionHeaders: z.boolean().default(false),
    ...keyLimitFields,
  })
  .strict();

/** What lists and creation answer: the stored key with its expiry also as ISO 8601 for humans. */
function present(key: VirtualKey) {
  const expiresAtMs = key.limits.expiresAtMs;
  return { ...key, expiresAt: expiresAtMs !== undefined ? new Date(expiresAtMs).toISOString() : null };
}

/**
 * Virtual keys: list, create (the secret is shown once), revoke. An org-confined admin sees,
 * creates and revokes only its org's keys (others' are "not found"); viewers only list.
 */
export function registerKeyRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/keys', async (c) => {
    const admin = adminOf(c);
    const keys = await runtime.keys.list();
    return c.json({ data: keys.filter((key) => admin.orgId === undefined || key.orgId === admin.orgId).map(present) });
  });
  app.post('/api/keys', async (c) => {
    const admin = requireWriter(c);
    const input = await parseAdminBody(c.req.raw, createKeySchema);
    const orgId = input.org ?? admin.orgId ?? 'default';
    requireOrg(c, orgId, `Org ${orgId}`);
    const created = await runtime.keys.create({
      name: input.name,
      orgId,
      projectId: input.project,
      userId: input.user ?? null,
      tags: input.tags,
      allowAttributionHeaders: input.allowAttributionHeaders,
      limits: keyLimitsFromInput(input),
    });
    return c.json({ key: present(created.key), secret: created.secret }, 201);
  });
  app.delete('/api/keys/:id', async (c) => {
    requireWriter(c);
    const id = c.req.param('id');
    const key = (await runtime.keys.list()).find((candidate) => candidate.id === id);
    // Another org's key is answered exactly like a missing one: its existence is not revealed.
    if (!key || !seesOrg(adminOf(c), key.orgId)) throw new GatewayError('not_found', `No active key with id ${id}`);
    const revoked = await runtime.keys.revoke(id, runtime.deps.now());
    if (!revoked) throw new GatewayError('not_found', `No active key with id ${id}`);
    runtime.invalidateKeys();
    return c.json({ id, revoked: true });
  });
}
