import type { Hono } from 'hono';
import type { TollgateConfig } from './config/schema.ts';
import { createApp } from './gateway/app.ts';
import { createEdge } from './gateway/edge.ts';
import { nodeProxyRoute, type NodeRoute } from './gateway/node-proxy.ts';
import type { GatewayEnv } from './gateway/context.ts';
import { createRuntime, type RuntimeOptions } from './runtime/create-runtime.ts';
import type { Runtime } from './gateway/runtime.ts';

export type GatewayOptions = RuntimeOptions;

export interface Gateway {
  /** The WHATWG fetch handler: mount it on any server (`server.ts` binds it to Node's http). */
  fetch: (request: Request) => Response | Promise<Response>;
  app: Hono<GatewayEnv>;
  /** The proxy routes straight on Node's request and response (the hot path); false for any other request, which goes to `fetch`. */
  nodeRoute: NodeRoute;
  runtime: Runtime;
  /** Flushes the ledger and closes storage and upstream connections. */
  close(): Promise<void>;
}

/** Builds a gateway from a parsed config: the library entry point. */
export async function createGateway(config: TollgateConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const runtime = await createRuntime(config, options);
  // One edge (refusal allowance, auth, limits, error handler) behind both front ends.
  const edge = createEdge(runtime);
  const app = createApp(runtime, edge);
  return { fetch: app.fetch, app, nodeRoute: nodeProxyRoute(runtime, edge), runtime, close: () => runtime.close() };
}

export type { TollgateConfig, TollgateConfigInput } from './config/schema.ts';
export { parseConfig, loadConfigFile } from './config/load.ts';
