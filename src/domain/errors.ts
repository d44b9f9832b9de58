/**
 * The one error class of the gateway: a closed set of codes, each with its HTTP status and the
 * error `type` each wire format expects. Rendering into the caller's envelope is in `error-envelope.ts`.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  invalid_request: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  /** The prompt does not fit the model's context window (OpenAI's own code for it). */
  context_length_exceeded: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  unauthorized: { status: 401, openaiType: 'authentication_error', anthropicType: 'authentication_error' },
  forbidden: { status: 403, openaiType: 'permission_error', anthropicType: 'permission_error' },
  not_found: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error' },
  model_not_found: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error' },
  /** The path exists but not for this method (the `allow` header says which). */
  method_not_allowed: { status: 405, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  payload_too_large: { status: 413, openaiType: 'invalid_request_error', anthropicType: 'request_too_large' },
  rate_limited: { status: 429, openaiType: 'rate_limit_error', anthropicType: 'rate_limit_error' },
  budget_exceeded: { status: 429, openaiType: 'insufficient_quota', anthropicType: 'rate_limit_error' },
  budget_unavailable: { status: 503, openaiType: 'api_error', anthropicType: 'overloaded_error' },
  upstream_error: { status: 502, openaiType: 'api_error', anthropicType: 'api_error' },
  upstream_bad_response: { status: 502, openaiType: 'api_error', anthropicType: 'api_error' },
  upstream_unavailable: { status: 503, openaiType: 'api_error', anthropicType: 'overloaded_error' },
  upstream_timeout: { status: 504, openaiType: 'timeout_error', anthropicType: 'api_error' },
  client_closed: { status: 499, openaiType: 'api_error', anthropicType: 'api_error' },
  internal: { status: 500, openaiType: 'api_error', anthropicType: 'api_error' },
} as const satisfies Record<string, { status: number; openaiType: string; anthropicType: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface GatewayErrorOptions {
  /** The request field at fault, when there is one (OpenAI `param`). */
  param?: string;
  /** Status to report instead of the code's default (an upstream 4xx passed through). */
  status?: number;
  /** Whether a retry against the same or another target may succeed (408/409/429/5xx, timeouts, resets). */
  retryable?: boolean;
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | undefined;
  readonly retryable: boolean;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.param = options.param;
    this.retryable = options.retryable ?? false;
    this.headers = options.headers ?? {};
  }
}

/** Wraps anything thrown into a GatewayError without leaking internals to the caller. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal', 'internal gateway error', { cause: error });
}

/** Status codes after which retrying (same or another target) can help. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
