import type { IncomingHttpHeaders } from 'node:http';

/**
 * Token counts a test dictates, in provider-neutral terms (the same meaning as the domain `Usage`):
 * - `input`: every input token, including cache reads and writes;
 * - `cacheRead` / `cacheWrite`: the cached parts of `input` (`cacheWrite1h`: the 1-hour-TTL part of `cacheWrite`);
 * - `output`: every output token, including `reasoning`.
 *
 * Fields left out are computed from the request as usual. The mock renders them with each API's
 * semantics: OpenAI `prompt_tokens = input`, `cached_tokens = cacheRead`, `completion_tokens = output`,
 * `reasoning_tokens = reasoning`; Anthropic `input_tokens = input - cacheRead - cacheWrite`,
 * `cache_read_input_tokens = cacheRead`, `cache_creation_input_tokens = cacheWrite`, `output_tokens = output`.
 */
export interface MockUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  reasoning?: number;
}

/** An error response the mock sends instead of an answer. */
export interface MockFailure {
  /** HTTP status, e.g. 400, 401, 404, 429, 500, 503, 529. */
  status: number;
  /** Raw response body, sent as it is (otherwise the API's own error envelope is built). */
  body?: string;
  /** Overrides the envelope's message. */
  message?: string;
  /** Overrides the envelope's error type. */
  type?: string;
  /** Fail only the first N calls carrying the same `key` (`''` when no key is given); later calls succeed. */
  times?: number;
  /** Sent as `retry-after-ms` and (rounded up) `retry-after`; 429/503/529 default to `retry-after: 1`. */
  retryAfterMs?: number;
}

/** Forces a tool call: `true` (the first or mentioned tool), a tool name, or a name with exact arguments. */
export type MockToolDirective = boolean | string | { name: string; arguments?: Record<string, unknown> };

/**
 * How the mock answers one request. Given as the `mock` object in the request body, as
 * `x-mock-*` headers (`x-mock-latency-ms: 20`, `x-mock-usage: {"input":10}`, `x-mock-fail: 500`),
 * as a named scenario (`x-mock-scenario: rate-limited`), or globally with `setDefaults`.
 * Precedence, lowest first: defaults, `x-mock-scenario`, other `x-mock-*` headers, body `mock`.
 */
export interface MockDirective {
  /** Exact token counts to report (missing fields are computed). */
  usage?: MockUsage;
  /** Delay before the response headers (JSON and streams). */
  latencyMs?: number;
  /** Streams: delay between the headers and the first content chunk. */
  ttftMs?: number;
  /** Streams: delay between content chunks. */
  chunkDelayMs?: number;
  /** Streams: split the answer into this many content chunks (default: one per word). */
  chunks?: number;
  /** Answer with an error in the API's envelope. */
  fail?: MockFailure;
  /** Answer 200 with a body that is not JSON (streams: an SSE event whose data is not JSON). */
  garbage?: boolean;
  /** Destroy the socket after this many content chunks (JSON: after half the body). */
  dropAfterChunks?: number;
  /** Streams: send an in-band error event after this many content chunks, then end the stream. */
  errorAfterChunks?: number;
  /** Send nothing for this long before handling the request (for client timeouts). */
  hangMs?: number;
  /** The answer text (default `Mock answer to: <first 40 chars of the last user message>`). */
  text?: string;
  /** Omit usage entirely, like a server that does not report it. */
  noUsage?: boolean;
  /** Force (or with `false`, forbid) a tool call when the request declares tools. */
  tool?: MockToolDirective;
  /** Groups calls for `fail.times`. */
  key?: string;
  /**
   * Echo the request's headers (as JSON, credentials included) back in everything the mock says:
   * the answer text, a `fail` error message, an in-stream error event and an `x-mock-echo` response
   * header. For tests that an upstream echoing its credential cannot leak it through the gateway.
   */
  echoHeaders?: boolean;
  /** Message of the in-band error event sent by `errorAfterChunks` (set by `echoHeaders`). */
  streamErrorMessage?: string;
}

/** Named presets for `x-mock-scenario` (comma-separated names combine) and `setScenario`. */
export type MockScenarioName =
  | 'ok'
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'unavailable'
  | 'overloaded'
  | 'garbage'
  | 'drop-mid-stream'
  | 'stream-error'
  | 'hang'
  | 'slow'
  | 'no-usage'
  | 'tool-call';

/** One request as the mock received it. */
export interface RecordedRequest {
  method: string;
  /** Path as received (with or without `/v1`), without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  body: unknown;
  receivedAtMs: number;
}

/** Options of `startMockProvider`. */
export interface MockProviderOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Default delay before every response's headers (same as `defaults.latencyMs`). */
  latencyMs?: number;
  /** Directive applied to every request (overridden per request); `reset()` returns to it. */
  defaults?: MockDirective;
  /** Record requests for `requests` and `GET /_mock/requests`; default true. Turn off for benchmarks. */
  recordRequests?: boolean;
  /** How many recent requests to keep; default 1000. */
  maxRecordedRequests?: number;
  /** When set, requests must carry it (`Authorization: Bearer …`, or `x-api-key` on Anthropic endpoints). */
  apiKey?: string;
  /** Models listed by `GET /v1/models`; default `mock-small`, `mock-large`, `mock-embed`, `claude-mock`. */
  models?: string[];
  /** Validate beyond the basics, like the real APIs: require `anthropic-version`, 404 on models not in `models`. */
  strict?: boolean;
}

/** A running mock provider. */
export interface MockProvider {
  /** `http://HOST:PORT`, no trailing slash: the Anthropic base URL; OpenAI's is `url + '/v1'`. */
  readonly url: string;
  readonly port: number;
  /** The last `maxRecordedRequests` requests, oldest first (control endpoints excluded). */
  readonly requests: readonly RecordedRequest[];
  /** Stops listening and destroys open connections (hung and streaming ones included). */
  close(): Promise<void>;
  /** Clears recorded requests and `fail.times` counters, and restores the start-up defaults. */
  reset(): void;
  /** Replaces the directive applied to every request, and clears `fail.times` counters. */
  setDefaults(directive: MockDirective): void;
  /** `setDefaults` with a named preset (or a directive). */
  setScenario(scenario: MockScenarioName | MockDirective): void;
}
