import type { Endpoint } from './endpoint.ts';
import { sendMockError } from './errors.ts';
import { sendJson } from './http.ts';

/** Models listed when the options name none. */
export const DEFAULT_MOCK_MODELS: readonly string[] = ['mock-small', 'mock-large', 'mock-embed', 'claude-mock'];

const CREATED_SECONDS = 1_700_000_000;

function openAiModel(id: string): Record<string, unknown> {
  return { id, object: 'model', created: CREATED_SECONDS, owned_by: 'tollgate-mock' };
}

function anthropicModel(id: string): Record<string, unknown> {
  return { type: 'model', id, display_name: id, created_at: new Date(CREATED_SECONDS * 1000).toISOString() };
}

/**
 * `GET /v1/models` and `GET /v1/models/{id}` in both formats (the path is the same: the router
 * picks Anthropic's when the request carries `anthropic-version`). List bodies are serialised once.
 */
export function createModelEndpoints(models: readonly string[]): { openai: Endpoint; anthropic: Endpoint } {
  const openAiList = JSON.stringify({ object: 'list', data: models.map(openAiModel) });
  const anthropicList = JSON.stringify({ data: models.map(anthropicModel), has_more: false, first_id: models[0] ?? null, last_id: models[models.length - 1] ?? null });
  return {
    openai: {
      wire: 'openai',
      handle({ response, requestId, pathParameter, settings }) {
        if (pathParameter === undefined) return sendJson(response, { wire: 'openai', requestId, body: openAiList });
        if (settings.strict && !models.includes(pathParameter)) {
          return sendMockError(response, 'openai', { status: 404, message: `The model '${pathParameter}' does not exist`, code: 'model_not_found' }, requestId);
        }
        return sendJson(response, { wire: 'openai', requestId, body: JSON.stringify(openAiModel(pathParameter)) });
      },
    },
    anthropic: {
      wire: 'anthropic',
      handle({ response, requestId, pathParameter, settings }) {
        if (pathParameter === undefined) return sendJson(response, { wire: 'anthropic', requestId, body: anthropicList });
        if (settings.strict && !models.includes(pathParameter)) {
          return sendMockError(response, 'anthropic', { status: 404, message: `model: ${pathParameter}` }, requestId);
        }
        return sendJson(response, { wire: 'anthropic', requestId, body: JSON.stringify(anthropicModel(pathParameter)) });
      },
    },
  };
}
