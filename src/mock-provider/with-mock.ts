import type { MockDirective } from './types.ts';

/**
 * Adds a `mock` directive to SDK request params without fighting their types (the SDKs send
 * unknown body fields as they are, and so does the gateway).
 *
 * @example
 * await openai.chat.completions.create(withMock({ model: 'mock-small', messages }, { usage: { input: 10 } }));
 */
export function withMock<T extends object>(params: T, mock: MockDirective): T {
  return { ...params, mock };
}
