import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../domain/principal.ts';
import { handle } from '../pipeline/handle.ts';
import { clientGone } from './client-gone.ts';
import type { Edge } from './edge.ts';
import { resolvePrincipal, type HeaderReader } from './middleware/authenticate.ts';
import { createRequestId } from './middleware/request-id.ts';
import { PROXY_OPERATIONS, wireOfPath } from './proxy-paths.ts';
import { proxyRequest } from './proxy-request.ts';
import { bodyLimitsFor, readIncomingJsonBody } from './read-json-body.ts';
import { edgeRefusal } from './rejection-gate-check.ts';
import type { Runtime } from './runtime.ts';
import { writeResult, writeWhole } from './to-response.ts';

/** Handles the request if it is one of its routes; false: pass it on (to hono). */
export type NodeRoute = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

/**
 * The proxy routes (POST /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/messages)
 * straight from Node's request and response, the hot path: no web Request, Headers or Response and
 * no middleware chain in between. The same steps as the hono app, with the same shared pieces: a
 * request id, the refusal allowance of the address, authentication, the body within the key's
 * limit, the pipeline, and every error through the edge's one handler. Any other method or path,
 * or a path that is not spelled exactly (percent-encoded, absolute-form), goes to hono.
 */
export function nodeProxyRoute(runtime: Runtime, edge: Edge): NodeRoute {
  const { deps } = runtime;
  return (incoming, outgoing) => {
    if (incoming.method !== 'POST') return false;
    const url = incoming.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const operation = PROXY_OPERATIONS.get(path);
    if (!operation) return false;
    void serve(incoming, outgoing, path, operation);
    return true;
  };

  async function serve(incoming: IncomingMessage, outgoing: ServerResponse, path: string, operation: NonNullable<ReturnType<typeof PROXY_OPERATIONS.get>>): Promise<void> {
    const receivedAtMs = deps.now();
    const id = createRequestId(receivedAtMs);
    const wire = wireOfPath(path);
    const address = incoming.socket?.remoteAddress ?? 'unknown';
    // Bound, not an arrow: under tsx's keepNames a named closure costs an Object.defineProperty per request.
    const header: HeaderReader = headerOf.bind(undefined, incoming);
    let principal: Principal | undefined;
    try {
      const refusal = edgeRefusal(edge.limiter, address);
      if (refusal) throw refusal;
      principal = await resolvePrincipal(header, edge.auth);
      const body = await readIncomingJsonBody(incoming, bodyLimitsFor(principal, edge.bodyLimits));
      const result = await handle(proxyRequest({ id, receivedAtMs, wire, operation, body, header, principal, signal: clientGone(incoming, outgoing) }), deps);
      writeResult(result, outgoing);
    } catch (error) {
      const parts = edge.onError(error, { requestId: id, receivedAtMs, wire, operation, principal, address });
      writeWhole(outgoing, parts.status, parts.headers, parts.body);
    }
  }
}

/**
 * One request header as web `Headers.get` reads it. Node keeps only the first of a repeated
 * `authorization`, where `Headers` joins them: the key headers are read from the raw list so that
 * both front ends see the same (refused) value.
 */
function headerOf(incoming: IncomingMessage, name: string): string | undefined {
  if (name === 'authorization' || name === 'x-api-key') return joinedRaw(incoming.rawHeaders, name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function joinedRaw(raw: string[], name: string): string | undefined {
  let joined: string | undefined;
  for (let index = 0; index < raw.length; index += 2) {
    const key = raw[index]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    joined = joined === undefined ? raw[index + 1]! : `${joined}, ${raw[index + 1]!}`;
  }
  return joined;
}
