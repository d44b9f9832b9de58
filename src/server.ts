import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { TollgateConfig } from './config/schema.ts';
import { drainHttpServer, type DrainResult } from './drain-http-server.ts';
import { limitConnections } from './connection-limits.ts';
import { answerNodeRefusals, refuseWithoutHost } from './node-refusals.ts';
import { createGateway, type Gateway, type GatewayOptions } from './index.ts';
import { KEY_PREFIX, presentedKeyFrom } from './gateway/middleware/authenticate.ts';

export interface RunningServer {
  gateway: Gateway;
  url: string;
  port: number;
  /**
   * Graceful stop: stop accepting, let requests in flight finish for up to `drainMs` (default
   * `server.shutdownTimeoutMs`, 10 s), cut what is left, then flush the ledger and close storage.
   */
  close(options?: { drainMs?: number }): Promise<DrainResult>;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Binds a gateway to a Node HTTP server. `port: 0` picks a free port (tests). */
export async function startServer(config: TollgateConfig, options: GatewayOptions = {}): Promise<RunningServer> {
  // createGateway refuses operator keys shared with other keys (createRuntime runs checkOperatorKeys).
  const gateway = await createGateway(config, options);
  let server: ServerType | undefined;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const limits = config.server;
      server = serve(
        {
          fetch: gateway.fetch,
          // The proxy routes are answered on Node's own request and response; everything else through hono.
          createServer: ((serverOptions: object, honoListener: Parameters<typeof createServer>[1]) =>
            createServer(serverOptions, (incoming, outgoing) => {
              if (refuseWithoutHost(incoming, outgoing)) return;
              closeAfterLastRequest(outgoing);
              if (!gateway.nodeRoute(incoming, outgoing)) honoListener?.(incoming, outgoing);
            })) as never,
          port: config.server.port,
          hostname: config.server.host,
          // Deadlines for what the client sends: its headers, then its whole upload. Node checks them every
          // second; a streamed response (minutes long) is not bounded by them, since the request is complete.
          serverOptions: {
            headersTimeout: limits.headersTimeoutMs,
            requestTimeout: limits.bodyTimeoutMs,
            connectionsCheckingInterval: 1_000,
            // Checked by the request listener instead, so that the 400 carries a body in the API's format.
            requireHostHeader: false,
          },
        },
        (info: AddressInfo) => resolve(info.port),
      );
      server.once('error', reject);
      const http = server as Server;
      http.keepAliveTimeout = limits.keepAliveTimeoutMs;
      http.maxRequestsPerSocket = limits.maxRequestsPerSocket;
      const metrics = gateway.runtime.deps.metrics;
      limitConnections(http, limits, () => metrics.observeEdgeRejection('connection_limit'));
      answerNodeRefusals(http, { ...limits, onRefused: (reason) => metrics.observeEdgeRejection(reason), keyBodyLimit: keyBodyLimitOf(gateway, config) });
    });
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    return {
      gateway,
      port,
      url: `http://${host}:${port}`,
      async close(options = {}) {
        const drainMs = options.drainMs ?? config.server.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
        const result = await drainHttpServer(server as Server, drainMs);
        await gateway.close();
        return result;
      },
    };
  } catch (error) {
    await gateway.close();
    throw error;
  }
}

/**
 * The last request `maxRequestsPerSocket` allows on a connection: its answer says `Connection: close`
 * (Node does that) and the connection really is closed after it (Node does not: it keeps the socket
 * open and answers every later request on it with a bare 503, so a client that ignores the header,
 * like autocannon or a pipelining proxy, gets nothing but 503s from then on).
 */
function closeAfterLastRequest(outgoing: ServerResponse): void {
  if ((outgoing as ServerResponse & { maxRequestsOnConnectionReached?: boolean }).maxRequestsOnConnectionReached) outgoing.shouldKeepAlive = false;
}

/**
 * The body limit of the virtual key an `Expect: 100-continue` request presents, through the same cached
 * lookup the request itself then uses (a SHA-256 and a map hit when the key was seen in the last 30 s;
 * otherwise the one store query authentication would make, shared with it). Unknown, revoked or no
 * key (anonymous): undefined, and authentication answers after the upload as before.
 */
function keyBodyLimitOf(gateway: Gateway, config: TollgateConfig): (request: IncomingMessage) => Promise<number | undefined> {
  return async (request) => {
    const secret = presentedKeyFrom((name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    });
    if (!secret || (config.server.anonymous && !secret.startsWith(KEY_PREFIX))) return undefined;
    const key = await gateway.runtime.lookupKey(secret);
    const limit = key && key.revokedAtMs === null ? key.limits?.bodyLimitBytes : undefined;
    return typeof limit === 'number' && limit > 0 ? limit : undefined;
  };
}
