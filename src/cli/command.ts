import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI failure with a message for the user and an exit code; anything else is a bug (exit 70). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface CommandDefinition<Options extends NonNullable<ParseArgsConfig['options']>> {
  name: string;
  description: string;
  usage: string;
  options: Options;
  run(args: { values: Record<string, unknown>; positionals: string[] }): Promise<void> | void;
}

export type AnyCommand = CommandDefinition<NonNullable<ParseArgsConfig['options']>>;

/** Identity helper for type inference, citty-style. */
export function defineCommand<Options extends NonNullable<ParseArgsConfig['options']>>(command: CommandDefinition<Options>): CommandDefinition<Options> {
  return command;
}

export function parseCommandArgs(command: AnyCommand, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nusage: ${command.usage}`, 2);
  }
}

/** A `--from`/`--to` style flag: any date or ISO time `Date.parse` reads, as epoch milliseconds. */
export function parseTimeFlag(value: string, flag: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new CliError(`${flag} must be a date or ISO time, got ${value}`, 2);
  return ms;
}
