import type { ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';
import { refinePrincipal } from '../../domain/principal.ts';
import type { Operation } from '../../domain/request.ts';
import { handle } from '../../pipeline/handle.ts';
import type { PipelineDeps } from '../../pipeline/types.ts';
import type { GatewayEnv } from '../context.ts';
import { bodyHints } from '../middleware/authenticate.ts';
import { readJsonBody, type BodyLimits } from '../read-json-body.ts';
import { toResponse } from '../to-response.ts';

const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta', 'x-tollgate-priority', 'x-tollgate-budget-override', 'x-tollgate-strategy', 'x-tollgate-cache', 'x-tollgate-semantic-cache', 'cache-control'] as const;

/** The OpenAI- and Anthropic-compatible endpoints: each is a thin adapter from hono to `pipeline.handle`. */
export function registerProxyRoutes(app: Hono<GatewayEnv>, deps: PipelineDeps, limits: BodyLimits): void {
  const route = (operation: Operation) => async (c: Context<GatewayEnv>) => {
    // A virtual key may carry its own body limit (set by the keys admin API); the server's applies otherwise.
    // A key may lower the server's limit, never raise it: an org admin's key cannot buy itself a bigger stall.
    const perKey = c.get('principal').bodyLimitBytes;
    const body = (await readJsonBody(c.req.raw, typeof perKey === 'number' && perKey > 0 ? { ...limits, bytes: Math.min(perKey, limits.bytes) } : limits)) as Record<string, unknown>;
    const headers: Record<string, string | undefined> = {};
    for (const name of FORWARDED_HEADERS) headers[name] = c.req.header(name);
    const principal = body && typeof body === 'object' && !Array.isArray(body) ? refinePrincipal(c.get('principal'), bodyHints(body)) : c.get('principal');
    const result = await handle(
      {
        id: c.get('requestId'),
        receivedAtMs: c.get('receivedAtMs'),
        wire: c.get('wire'),
        operation,
        body,
        headers,
        principal,
        signal: c.req.raw.signal,
      },
      deps,
    );
    return toResponse(result, (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing);
  };
  app.post('/v1/chat/completions', route('chat'));
  app.post('/v1/completions', route('completion'));
  app.post('/v1/embeddings', route('embedding'));
  app.post('/v1/messages', route('messages'));
}
