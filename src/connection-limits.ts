import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections overall (0 = no limit); enforced by Node (`server.maxConnections`). */
  maxConnections: number;
  /** Open connections from one peer address (0 = no limit). */
  maxConnectionsPerAddress: number;
}

/**
 * Caps open connections overall and per client address: a connection over either cap is
 * reset on arrival, before the HTTP server sees it. Call it right after the server is created. Returns the live per-address counts (for tests).
 */
export function limitConnections(server: Server, limits: ConnectionLimits, onRefused: () => void): Map<string, number> {
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  server.on('drop', onRefused);
  const open = new Map<string, number>();
  if (limits.maxConnectionsPerAddress <= 0) return open;
  // The HTTP server's own listener (parser, timers) runs only for admitted sockets: a refused one
  // costs an accept and a reset, nothing more.
  const admitted = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= limits.maxConnectionsPerAddress) {
      onRefused();
      socket.resetAndDestroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
    for (const listener of admitted) listener.call(server, socket);
  });
  return open;
}
