import { expect } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

/** The message a config is refused with (a ConfigError from parseConfig); fails the test if the config is accepted. */
export function configProblem(input: object): string {
  try {
    parseConfig(input, {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}
