import { ERROR_CODES, type GatewayError } from './errors.ts';

export type WireFormat = 'openai' | 'anthropic';

/** The body of an error in the caller's own API format. */
export function renderErrorBody(error: GatewayError, wire: WireFormat): Record<string, unknown> {
  const types = ERROR_CODES[error.code];
  if (wire === 'anthropic') {
    return { type: 'error', error: { type: types.anthropicType, message: error.message } };
  }
  return {
    error: { message: error.message, type: types.openaiType, param: error.param ?? null, code: error.code },
  };
}
