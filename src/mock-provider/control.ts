import type { IncomingMessage, ServerResponse } from 'node:http';
import { safeParseJson } from '../domain/safe-parse-json.ts';
import { readBody } from './http.ts';
import { asRecord } from './read.ts';
import { parseDirective, scenarioByName } from './scenario.ts';
import type { MockState } from './state.ts';

function reply(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * Control endpoints for a mock in another process (benchmarks, `npm start`):
 * - `GET /_mock/requests` → `{requests: RecordedRequest[]}`
 * - `POST /_mock/reset` → clears requests and counters, restores start-up defaults
 * - `POST /_mock/defaults` with a directive, or `{"scenario": "rate-limited"}` → `setDefaults`
 * - `GET /_mock/health` → `{ok: true}`
 */
export async function handleControl(request: IncomingMessage, response: ServerResponse, path: string, state: MockState): Promise<void> {
  const route = `${request.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /_mock/health':
      return reply(response, 200, { ok: true });
    case 'GET /_mock/requests':
      return reply(response, 200, { requests: state.recorded });
    case 'POST /_mock/reset':
      await readBody(request);
      state.reset();
      return reply(response, 200, { ok: true });
    case 'POST /_mock/defaults': {
      const parsed = safeParseJson((await readBody(request)) || '{}');
      if (!parsed.ok) return reply(response, 400, { error: `invalid JSON: ${parsed.error}` });
      const scenario = asRecord(parsed.value)?.scenario;
      if (typeof scenario === 'string') {
        const preset = scenarioByName(scenario);
        if (!preset) return reply(response, 400, { error: `unknown mock scenario '${scenario}'` });
        state.setDefaults(preset);
        return reply(response, 200, { ok: true, defaults: preset });
      }
      const result = parseDirective(parsed.value);
      if (!result.ok) return reply(response, 400, { error: result.error });
      state.setDefaults(result.directive);
      return reply(response, 200, { ok: true, defaults: result.directive });
    }
    default:
      return reply(response, 404, { error: `unknown control endpoint ${route}` });
  }
}
