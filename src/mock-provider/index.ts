/**
 * The mock LLM provider: a real node:http server speaking the OpenAI and Anthropic wire formats,
 * for the demo config, end-to-end tests and benchmarks. See `startMockProvider`.
 *
 * NOT part of the gateway. It ships in the package on purpose, for `tollgate mock` and the
 * no-config demo of `tollgate serve`, which load it lazily; nothing on the request path (index.ts,
 * server.ts and all they import) may import it, which test/architecture/layers.test.ts checks.
 * The provider test harness (src/providers/testing/) is test-only and left out of the package.
 */
export { startMockProvider, DEFAULT_MAX_RECORDED_REQUESTS } from './server.ts';
export { SCENARIOS } from './scenario.ts';
export { withMock } from './with-mock.ts';
export { DEFAULT_MOCK_MODELS } from './models.ts';
export { DEFAULT_EMBEDDING_DIMENSIONS, embedText } from './openai-embeddings.ts';
export type {
  MockDirective,
  MockFailure,
  MockProvider,
  MockProviderOptions,
  MockScenarioName,
  MockToolDirective,
  MockUsage,
  RecordedRequest,
} from './types.ts';
