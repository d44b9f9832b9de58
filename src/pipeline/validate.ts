import { GatewayError } from '../domain/errors.ts';
import type { WireFormat } from '../domain/error-envelope.ts';
import type { Operation } from '../domain/request.ts';
import { MAX_MODEL_NAME_LENGTH, MODEL_NAME_CHARACTERS, isValidModelName } from '../domain/model-name.ts';
import { choicesOf } from '../pricing/worst-case.ts';

/** The OpenAI API's cap on the inputs of one embeddings request (an array of strings or of token arrays). */
export const MAX_EMBEDDING_INPUTS = 2_048;
/** No model generates more; larger values (1e308) would only overflow worst-case cost arithmetic. */
export const MAX_OUTPUT_TOKENS = 100_000_000;

/** A model name is checked before anything else uses it: bounded length and a strict character set. */
export function checkModelName(model: string): void {
  if (model.length > MAX_MODEL_NAME_LENGTH) {
    throw new GatewayError('invalid_request', `'model' must be at most ${MAX_MODEL_NAME_LENGTH} characters (got ${model.length})`, { param: 'model' });
  }
  if (!isValidModelName(model)) {
    throw new GatewayError('invalid_request', `'model' may contain only ${MODEL_NAME_CHARACTERS}`, { param: 'model' });
  }
}

/** Message content (and Anthropic `system`) is a string, null, or an array of objects. */
function checkParts(content: unknown, param: string): void {
  if (content === undefined || content === null || typeof content === 'string') return;
  if (!Array.isArray(content)) throw new GatewayError('invalid_request', `'${param}' must be a string or an array of content parts`, { param });
  for (let index = 0; index < content.length; index += 1) {
    const part: unknown = content[index];
    if (typeof part !== 'object' || part === null || Array.isArray(part)) {
      throw new GatewayError('invalid_request', `'${param}[${index}]' must be an object`, { param: `${param}[${index}]` });
    }
  }
}

const isToken = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
const isTokenArray = (value: unknown): boolean => Array.isArray(value) && value.length > 0 && value.every(isToken);

/**
 * Completions `prompt` and embeddings `input`, as the OpenAI API takes them: a string, an array of
 * strings, an array of token ids, or an array of token arrays, never empty (`emptyText`: whether an
 * empty string is allowed; embeddings refuse it, completions take it).
 */
function checkPromptInput(value: unknown, param: string, emptyText: boolean): void {
  const shape = `'${param}' must be a string, an array of strings, an array of integer token ids, or an array of token arrays`;
  const isText = (item: unknown): boolean => typeof item === 'string' && (emptyText || item !== '');
  if (isText(value)) return;
  if (!Array.isArray(value)) throw new GatewayError('invalid_request', emptyText || typeof value !== 'string' ? shape : `'${param}' must not be empty`, { param });
  if (value.length === 0) throw new GatewayError('invalid_request', `'${param}' must not be an empty array`, { param });
  if (value.every(isToken)) return;
  const each = typeof value[0] === 'string' ? isText : isTokenArray;
  const index = value.findIndex((item) => !each(item));
  if (index >= 0) throw new GatewayError('invalid_request', `${shape} ('${param}[${index}]' is not)`, { param: `${param}[${index}]` });
}

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
  checkModelName(record.model);
  // `n` and `best_of` multiply what the upstream generates and bills: bounded on every request, budgets or not.
  choicesOf(record, operation);
  // The OpenAI API (and its SDK's types: `stream?: false | null`) take null for "not streamed"; Anthropic's only a boolean.
  if (record.stream !== undefined && typeof record.stream !== 'boolean' && !(record.stream === null && wire === 'openai')) {
    throw new GatewayError('invalid_request', "'stream' must be a boolean", { param: 'stream' });
  }
  if (operation === 'chat' || operation === 'messages') {
    if (!Array.isArray(record.messages) || record.messages.length === 0) {
      throw new GatewayError('invalid_request', "'messages' must be a non-empty array", { param: 'messages' });
    }
    // Index loops, not entries(): no iterator and [index, value] pair per message and part on every request.
    for (let index = 0; index < record.messages.length; index += 1) {
      const message: unknown = record.messages[index];
      if (typeof message !== 'object' || message === null || typeof (message as { role?: unknown }).role !== 'string') {
        throw new GatewayError('invalid_request', `'messages[${index}].role' must be a string`, { param: `messages[${index}].role` });
      }
      checkParts((message as { content?: unknown }).content, `messages[${index}].content`);
    }
  }
  if (operation === 'messages') checkParts(record.system, 'system');
  if (record.tools !== undefined && record.tools !== null) {
    if (!Array.isArray(record.tools)) throw new GatewayError('invalid_request', "'tools' must be an array", { param: 'tools' });
    checkParts(record.tools, 'tools');
  }
  if (operation === 'messages' && wire === 'anthropic') {
    if (typeof record.max_tokens !== 'number' || !Number.isInteger(record.max_tokens) || record.max_tokens < 1 || record.max_tokens > MAX_OUTPUT_TOKENS) {
      throw new GatewayError('invalid_request', 'max_tokens: Field required (a positive integer)', { param: 'max_tokens' });
    }
  }
  if (operation === 'completion') {
    if (record.prompt === undefined) throw new GatewayError('invalid_request', "'prompt' is required", { param: 'prompt' });
    checkPromptInput(record.prompt, 'prompt', true);
  }
  if (operation === 'embedding') {
    if (record.input === undefined) throw new GatewayError('invalid_request', "'input' is required", { param: 'input' });
    checkPromptInput(record.input, 'input', false);
    // A flat array of token ids is one input (bounded by the model's context); an array of strings or token arrays is many.
    const inputs = record.input;
    if (Array.isArray(inputs) && inputs.length > MAX_EMBEDDING_INPUTS && !(inputs as unknown[]).every(isToken)) {
      throw new GatewayError('invalid_request', `'input' may hold at most ${MAX_EMBEDDING_INPUTS} items (got ${inputs.length}); split it over several requests`, { param: 'input' });
    }
  }
  for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
    const value = record[field];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_OUTPUT_TOKENS)) {
      throw new GatewayError('invalid_request', `'${field}' must be a positive integer of at most ${MAX_OUTPUT_TOKENS}`, { param: field });
    }
  }
  return record;
}
