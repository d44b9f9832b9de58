import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/open-storage.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TRACE = 'azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv';

/**
 * Imports Azure's real 2023 conversation trace with `tollgate import --format csv --map ...` (the
 * trace has no model: `--model gpt-4o-mini` prices it) and requires the ledger to hold every request
 * with the trace's exact token totals and its exact cost at gpt-4o-mini's list prices ($0.15/M in,
 * $0.60/M out: 150 and 600 nano-USD a token), computed here from the file; then a second import of
 * the same file adds nothing.
 */
skipUnless(hasSharedData(TRACE), missingSharedData(TRACE))('importing the Azure conversation trace with --map', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-import-azure-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const tollgate = async (args: string[]) => {
    const env = { ...process.env, TOLLGATE_DATA_DIR: dataDir, DATABASE_URL: '' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env });
    return stdout;
  };

  it('every request in, exact tokens and cost, by hour; a re-import adds nothing', { timeout: 300_000 }, async () => {
    const lines = readFileSync(sharedDataPath(TRACE), 'utf8').trim().split('\n').slice(1);
    let input = 0;
    let output = 0;
    for (const line of lines) {
      const [, context, generated] = line.split(',');
      input += Number(context);
      output += Number(generated);
    }
    const args = ['import', sharedDataPath(TRACE), '--format', 'csv', '--map', 'ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens', '--model', 'gpt-4o-mini', '--provider', 'openai', '--project', 'azure-conv', '--quiet'];
    const first = await tollgate(args);
    expect(first).toContain(`rows read ${lines.length}, imported ${lines.length}, new in the ledger ${lines.length} (already there: 0), bad 0`);

    const storage = await openStorage({ dataDir });
    try {
      const [total] = await storage.ledger.summarize(['project']);
      expect(total).toMatchObject({ keys: { project: 'azure-conv' }, requests: lines.length, inputTokens: input, outputTokens: output, unpriced: 0 });
      expect(total!.costNanoUsd).toBe(input * 150 + output * 600);
      // The trace runs 18:15 to 19:14 on 2023-11-16: two hours, every request in one of them.
      const hours = await storage.ledger.summarize(['hour']);
      expect(hours.map((row) => row.keys.hour).sort()).toEqual(['2023-11-16T18:00Z', '2023-11-16T19:00Z']);
      expect(hours.reduce((sum, row) => sum + row.requests, 0)).toBe(lines.length);

      const second = await tollgate(args);
      expect(second).toContain(`new in the ledger 0 (already there: ${lines.length})`);
      expect(await storage.ledger.count({})).toBe(lines.length);
    } finally {
      await storage.close();
    }
  });
});
