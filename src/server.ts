import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { TollgateConfig } from './config/schema.ts';
import { createGateway, type Gateway, type GatewayOptions } from './index.ts';

export interface RunningServer {
  gateway: Gateway;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Binds a gateway to a Node HTTP server. `port: 0` picks a free port (tests). */
export async function startServer(config: TollgateConfig, options: GatewayOptions = {}): Promise<RunningServer> {
  const gateway = await createGateway(config, options);
  let server: ServerType | undefined;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server = serve({ fetch: gateway.fetch, port: config.server.port, hostname: config.server.host }, (info: AddressInfo) => resolve(info.port));
      server.once('error', reject);
    });
    // Long generations stream for minutes: no server-side request timeout; keep-alive for SDK connection reuse.
    const http = server as unknown as { requestTimeout: number; keepAliveTimeout: number; headersTimeout: number };
    http.requestTimeout = 0;
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 66_000;
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    return {
      gateway,
      port,
      url: `http://${host}:${port}`,
      async close() {
        await new Promise<void>((resolve) => {
          server?.close(() => resolve());
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await gateway.close();
      },
    };
  } catch (error) {
    await gateway.close();
    throw error;
  }
}
