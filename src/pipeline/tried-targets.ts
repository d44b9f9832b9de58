import { GatewayError } from '../domain/errors.ts';

/** One target the request was offered to and why it did not answer (an error code, `circuit_open`, `budget`, `unsupported`). */
export interface TriedTarget {
  key: string;
  reason: string;
}

/** Longest `x-tollgate-tried` value (a chain is short; this only bounds a pathological config). */
const MAX_HEADER_CHARS = 1_000;

/**
 * The final error of a request that went through a target chain, naming each target tried and why
 * it failed: in `x-tollgate-tried` (`model@provider=reason, …`) always, and in the message of a
 * gateway-side 5xx. Only codes and configured target names: never an upstream body or credential.
 * A client error (4xx) keeps the upstream's message verbatim, since SDKs match on it.
 */
export function withTriedTargets(error: GatewayError, tried: readonly TriedTarget[]): GatewayError {
  if (tried.length === 0) return error;
  const list = tried.map((entry) => `${entry.key}=${entry.reason}`).join(', ');
  // Header values must be printable ASCII; configured model names may not be.
  const ascii = list.replace(/[^\x20-\x7e]/g, '?');
  const header = ascii.length > MAX_HEADER_CHARS ? `${ascii.slice(0, MAX_HEADER_CHARS)}...` : ascii;
  const message = error.status >= 500 ? `${error.message} (tried: ${list})` : error.message;
  return new GatewayError(error.code, message, {
    status: error.status,
    param: error.param,
    retryable: error.retryable,
    headers: { ...error.headers, 'x-tollgate-tried': header },
    cause: error,
  });
}

/** Building the upstream request failed before anything was sent: the request is at fault, never the target. */
export function requestBuildError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error.retryable ? new GatewayError('invalid_request', error.message, { param: error.param, cause: error }) : error;
  return new GatewayError('invalid_request', 'The request could not be prepared for the upstream: a field is malformed or nested too deeply', { cause: error });
}
