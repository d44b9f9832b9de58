import type { ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';
import { handle } from '../../pipeline/handle.ts';
import type { PipelineDeps } from '../../pipeline/types.ts';
import type { GatewayEnv } from '../context.ts';
import { PROXY_OPERATIONS } from '../proxy-paths.ts';
import { proxyRequest } from '../proxy-request.ts';
import { bodyLimitsFor, readJsonBody, type BodyLimits } from '../read-json-body.ts';
import { toResponse } from '../to-response.ts';

/**
 * The OpenAI- and Anthropic-compatible endpoints through hono: each is a thin adapter to `pipeline.handle`.
 * A Node server answers these paths on its fast path (`node-proxy.ts`) with the same pieces; this
 * route serves `app.fetch` callers (tests, other runtimes) and anything the fast path passes on.
 */
export function registerProxyRoutes(app: Hono<GatewayEnv>, deps: PipelineDeps, limits: BodyLimits): void {
  for (const [path, operation] of PROXY_OPERATIONS) {
    app.post(path, async (c: Context<GatewayEnv>) => {
      const principal = c.get('principal');
      const body = await readJsonBody(c.req.raw, bodyLimitsFor(principal, limits));
      const headers = c.req.raw.headers;
      const request = proxyRequest({ id: c.get('requestId'), receivedAtMs: c.get('receivedAtMs'), wire: c.get('wire'), operation, body, header: (name) => headers.get(name), principal, signal: c.req.raw.signal });
      const result = await handle(request, deps);
      return toResponse(result, (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing);
    });
  }
}
