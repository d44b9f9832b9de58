import { GatewayError } from '../domain/errors.ts';
import type { WireFormat } from '../domain/error-envelope.ts';
import type { Operation } from '../ledger/record.ts';

/**
 * Checks only the fields the gateway itself relies on; everything else passes through to the
 * upstream untouched, so a new OpenAI parameter never breaks a client.
 */
export function validateBody(body: unknown, operation: Operation, wire: WireFormat): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object');
  }
  const record = body as Record<string, unknown>;
  if (typeof record.model !== 'string' || record.model.trim() === '') {
    throw new GatewayError('invalid_request', "'model' is required and must be a non-empty string", { param: 'model' });
  }
  if (record.stream !== undefined && typeof record.stream !== 'boolean') {
    throw new GatewayError('invalid_request', "'stream' must be a boolean", { param: 'stream' });
  }
  if (operation === 'chat' || operation === 'messages') {
    if (!Array.isArray(record.messages) || record.messages.length === 0) {
      throw new GatewayError('invalid_request', "'messages' must be a non-empty array", { param: 'messages' });
    }
    for (const [index, message] of record.messages.entries()) {
      if (typeof message !== 'object' || message === null || typeof (message as { role?: unknown }).role !== 'string') {
        throw new GatewayError('invalid_request', `'messages[${index}].role' must be a string`, { param: `messages[${index}].role` });
      }
    }
  }
  if (operation === 'messages' && wire === 'anthropic') {
    if (typeof record.max_tokens !== 'number' || !Number.isInteger(record.max_tokens) || record.max_tokens < 1) {
      throw new GatewayError('invalid_request', 'max_tokens: Field required (a positive integer)', { param: 'max_tokens' });
    }
  }
  if (operation === 'completion' && record.prompt === undefined) {
    throw new GatewayError('invalid_request', "'prompt' is required", { param: 'prompt' });
  }
  if (operation === 'embedding' && record.input === undefined) {
    throw new GatewayError('invalid_request', "'input' is required", { param: 'input' });
  }
  for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
    const value = record[field];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) {
      throw new GatewayError('invalid_request', `'${field}' must be a positive integer`, { param: field });
    }
  }
  return record;
}
