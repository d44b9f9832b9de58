/**
 * The mock LLM provider: a real node:http server speaking the OpenAI and Anthropic wire formats,
 * for the demo config, end-to-end tests and benchmarks. See `startMockProvider`.
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
