import type { Hono } from 'hono';
import type { TollgateConfig } from '../../config/schema.ts';
import { modelAllowed } from '../../keys/model-allowlist.ts';
import type { GatewayEnv } from '../context.ts';

/**
 * `GET /v1/models` in OpenAI's list format: the configured aliases (what clients should ask for),
 * then every `model@provider` target for explicit addressing.
 */
export function registerModelRoutes(app: Hono<GatewayEnv>, config: TollgateConfig, startedAtMs: number): void {
  const created = Math.floor(startedAtMs / 1000);
  const data = [
    ...Object.entries(config.models).map(([id, model]) => ({
      id,
      object: 'model',
      created,
      owned_by: model.target.slice(model.target.lastIndexOf('@') + 1),
    })),
  ];
  const seen = new Set(data.map((model) => model.id));
  for (const model of Object.values(config.models)) {
    for (const target of [model.target, ...model.fallbacks]) {
      if (seen.has(target)) continue;
      seen.add(target);
      data.push({ id: target, object: 'model', created, owned_by: target.slice(target.lastIndexOf('@') + 1) });
    }
  }
  const body = JSON.stringify({ object: 'list', data });
  // A key limited to some models sees only those (the others answer as if they did not exist).
  app.get('/v1/models', (c) => {
    const allowed = c.get('principal')?.limits?.allowedModels;
    if (!allowed) return c.body(body, 200, { 'content-type': 'application/json' });
    return c.json({ object: 'list', data: data.filter((model) => modelAllowed(allowed, [model.id])) });
  });
  app.get('/v1/models/:id{.+}', (c) => {
    const allowed = c.get('principal')?.limits?.allowedModels;
    const found = data.find((model) => model.id === c.req.param('id') && modelAllowed(allowed, [model.id]));
    if (found) return c.json(found);
    return c.json({ error: { message: `The model '${c.req.param('id')}' does not exist`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }, 404);
  });
}
