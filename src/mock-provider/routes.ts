import type { IncomingHttpHeaders } from 'node:http';
import { countTokensEndpoint, messagesEndpoint } from './anthropic-messages.ts';
import type { Endpoint } from './endpoint.ts';
import type { MockWire } from './errors.ts';
import { createModelEndpoints } from './models.ts';
import { chatCompletionsEndpoint } from './openai-chat.ts';
import { completionsEndpoint } from './openai-completions.ts';
import { embeddingsEndpoint } from './openai-embeddings.ts';

/** A matched route. */
export interface RouteMatch {
  endpoint: Endpoint;
  pathParameter?: string;
}

/** Maps a method and path (with or without `/v1`) to an endpoint. */
export interface Router {
  match(method: string, path: string, headers: IncomingHttpHeaders): RouteMatch | undefined;
}

const POST_ROUTES: ReadonlyMap<string, Endpoint> = new Map([
  ['/chat/completions', chatCompletionsEndpoint],
  ['/completions', completionsEndpoint],
  ['/embeddings', embeddingsEndpoint],
  ['/messages', messagesEndpoint],
  ['/messages/count_tokens', countTokensEndpoint],
]);

/** The wire of an unmatched request, for its 404: Anthropic when it looks like an Anthropic client. */
export function guessWire(path: string, headers: IncomingHttpHeaders): MockWire {
  return headers['anthropic-version'] !== undefined || path.includes('/messages') ? 'anthropic' : 'openai';
}

/**
 * Every route answers both with and without the `/v1` prefix (OpenAI base URLs end in `/v1`,
 * Anthropic's do not). `GET /models` follows Anthropic's format when `anthropic-version` is sent.
 */
export function createRouter(models: readonly string[]): Router {
  const modelEndpoints = createModelEndpoints(models);
  return {
    match(method, rawPath, headers) {
      let path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
      if (path.startsWith('/v1/')) path = path.slice(3);
      if (method === 'POST') {
        const endpoint = POST_ROUTES.get(path);
        return endpoint ? { endpoint } : undefined;
      }
      if (method !== 'GET' || !path.startsWith('/models')) return undefined;
      const endpoint = headers['anthropic-version'] !== undefined ? modelEndpoints.anthropic : modelEndpoints.openai;
      if (path === '/models') return { endpoint };
      const id = path.slice('/models/'.length);
      return path.startsWith('/models/') && id && !id.includes('/') ? { endpoint, pathParameter: decodeURIComponent(id) } : undefined;
    },
  };
}
