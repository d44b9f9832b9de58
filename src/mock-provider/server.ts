import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendMockError } from './errors.ts';
import { handleRequest, type HandlerDeps } from './handle-request.ts';
import { DEFAULT_MOCK_MODELS } from './models.ts';
import { createRouter } from './routes.ts';
import { SCENARIOS, scenarioByName } from './scenario.ts';
import { MockState } from './state.ts';
import type { MockDirective, MockProvider, MockProviderOptions, MockScenarioName } from './types.ts';

/** Default of `maxRecordedRequests`. */
export const DEFAULT_MAX_RECORDED_REQUESTS = 1000;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the mock LLM provider: a real HTTP server speaking the OpenAI (chat completions,
 * completions, embeddings, models) and Anthropic (messages, count_tokens, models) wire formats,
 * steered per request by `x-mock-*` headers or a `mock` body field (see `MockDirective`).
 *
 * @example
 * const mock = await startMockProvider();
 * const openai = new OpenAI({ apiKey: 'x', baseURL: `${mock.url}/v1` });
 * const anthropic = new Anthropic({ apiKey: 'x', baseURL: mock.url });
 * mock.setDefaults({ usage: { input: 1200, cacheRead: 800, output: 300 } });
 * // …
 * await mock.close();
 */
export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const host = options.host ?? '127.0.0.1';
  const initialDefaults: MockDirective = { ...options.defaults };
  if (options.latencyMs !== undefined) initialDefaults.latencyMs = options.latencyMs;
  const state = new MockState(initialDefaults, options.recordRequests ?? true, options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS);
  const models = options.models ?? DEFAULT_MOCK_MODELS;
  const deps: HandlerDeps = { state, router: createRouter(models), settings: { models, strict: options.strict ?? false }, apiKey: options.apiKey };

  const server = createServer({ noDelay: true, keepAlive: true }, (request, response) => {
    handleRequest(request, response, deps).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      sendMockError(response, 'openai', { status: 500, message: `mock provider bug: ${(error as Error).message}` }, 'req_mock_error');
    });
  });
  // Longer than client pools' idle timeouts (undici 4 s, the gateway 30 s), so the client closes idle sockets first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = await listen(server, options.port ?? 0, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    get requests() {
      return state.recorded;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    reset: () => state.reset(),
    setDefaults: (directive) => state.setDefaults(directive),
    setScenario(scenario: MockScenarioName | MockDirective) {
      if (typeof scenario !== 'string') return state.setDefaults(scenario);
      const preset = scenarioByName(scenario);
      if (!preset) throw new Error(`unknown mock scenario '${scenario}' (known: ${Object.keys(SCENARIOS).join(', ')})`);
      return state.setDefaults(preset);
    },
  };
}
