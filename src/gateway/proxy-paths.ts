import type { Operation, WireFormat } from '../domain/request.ts';

/** The proxy endpoints (POST) and the operation each serves: the one list both HTTP front ends route by. */
export const PROXY_OPERATIONS: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  ['/v1/chat/completions', 'chat'],
  ['/v1/completions', 'completion'],
  ['/v1/embeddings', 'embedding'],
  ['/v1/messages', 'messages'],
]);

/** The error envelope a path answers in: Anthropic's under /v1/messages, OpenAI's everywhere else. */
export function wireOfPath(path: string): WireFormat {
  return path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}
