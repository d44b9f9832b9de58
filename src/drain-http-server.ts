import type { Server } from 'node:http';

export interface DrainResult {
  /** Connections still open at the deadline, closed mid-request (cut streams). */
  cut: number;
  elapsedMs: number;
}

const POLL_MS = 20;

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

/**
 * Graceful stop of a Node HTTP server: stop accepting at once, close keep-alive connections as
 * soon as they are idle, let requests in flight finish until `deadlineMs`, then cut what is left.
 * Resolves once the listener is closed and no connection remains.
 */
export async function drainHttpServer(server: Server, deadlineMs: number): Promise<DrainResult> {
  const startedMs = Date.now();
  const closed = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
  let cut = 0;
  for (;;) {
    // A keep-alive connection whose response has finished is idle: close it (it would otherwise
    // keep the process alive until keepAliveTimeout); one with a request in flight is left alone.
    server.closeIdleConnections();
    const open = await openConnections(server);
    if (open === 0) break;
    if (Date.now() - startedMs >= deadlineMs) {
      cut = open;
      server.closeAllConnections();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await closed;
  return { cut, elapsedMs: Date.now() - startedMs };
}
