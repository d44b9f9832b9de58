import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ADMIN_KEY, type Harness } from './harness.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The real `tollgate` CLI as a separate process, pointed at a running test gateway: its URL and
 * admin key for admin-API commands, its data dir for commands that open the store directly.
 */
export async function runCli(h: Harness, args: string[]): Promise<{ code: number; out: string }> {
  const env = { ...process.env, TOLLGATE_DATA_DIR: h.dataDir, TOLLGATE_URL: h.url, TOLLGATE_ADMIN_KEY: ADMIN_KEY, DATABASE_URL: '' };
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}
