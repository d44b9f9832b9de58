import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The public data sets live beside the clone (`../shared/data`), never inside it. */
export const sharedDataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

export function sharedDataPath(relative: string): string {
  return path.join(sharedDataDir, relative);
}

/** Why a data suite did not run: its file or folder under ../shared/data is missing. */
export function missingSharedData(relative: string): string {
  return `${path.join(sharedDataDir, relative)} is missing (the public data sets beside the clone; see ../shared/data/README.md)`;
}

/** Suites that read the data run whenever it is present (always in CI). */
export function hasSharedData(relative: string): boolean {
  return existsSync(sharedDataPath(relative));
}
