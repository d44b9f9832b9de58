#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { CliError, parseCommandArgs, type AnyCommand } from './command.ts';

/** Commands load lazily so `tollgate keys list` does not pay for the server's imports. */
const COMMANDS: Record<string, () => Promise<AnyCommand>> = {
  serve: () => import('./commands/serve.ts').then((m) => m.default as unknown as AnyCommand),
  keys: () => import('./commands/keys.ts').then((m) => m.default as unknown as AnyCommand),
  prices: () => import('./commands/prices.ts').then((m) => m.default as unknown as AnyCommand),
  report: () => import('./commands/report.ts').then((m) => m.default as unknown as AnyCommand),
  forecast: () => import('./commands/forecast.ts').then((m) => m.default as unknown as AnyCommand),
  anomalies: () => import('./commands/anomalies.ts').then((m) => m.default as unknown as AnyCommand),
  budgets: () => import('./commands/budgets.ts').then((m) => m.default as unknown as AnyCommand),
  router: () => import('./commands/router.ts').then((m) => m.default as unknown as AnyCommand),
  cache: () => import('./commands/cache.ts').then((m) => m.default as unknown as AnyCommand),
  import: () => import('./commands/import.ts').then((m) => m.default as unknown as AnyCommand),
  mock: () => import('./commands/mock.ts').then((m) => m.default as unknown as AnyCommand),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = await Promise.all(Object.entries(COMMANDS).map(async ([key, load]) => `  ${key.padEnd(8)} ${(await load()).description}`));
    console.log(`tollgate: an LLM cost-optimisation gateway\n\nusage: tollgate <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'tollgate <command> --help' for a command's options.`);
    return name ? 0 : 1;
  }
  if (name === '--version') {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(version);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new CliError(`unknown command '${name}'; run 'tollgate --help'`, 2);
  const command = await load();
  const args = parseCommandArgs(command, rest);
  if (args.values.help) {
    console.log(`${command.description}\n\nusage: ${command.usage}`);
    return 0;
  }
  await command.run(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(`tollgate: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(error);
      process.exitCode = 70;
    }
  },
);
