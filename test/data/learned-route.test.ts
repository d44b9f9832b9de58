import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRouteLlmSplits } from '../../src/routing/learned/datasets.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `tollgate router train` writes an artefact; a `learned` route loads it and sends held-out prompts
 * to the strong or the weak model at about the calibrated share, explaining each decision.
 */
skipUnless(hasSharedData('routellm-evals/mmlu'), missingSharedData('routellm-evals/mmlu'))('learned route through the gateway', () => {
  let dir: string;
  let h: Harness;
  let artefact: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tollgate-router-'));
    artefact = path.join(dir, 'router.json');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'router', 'train', '--data', sharedDataPath('routellm-evals'), '--out', artefact, '--strong-share', '0.3', '--json'], { cwd: root });
    expect(JSON.parse(stdout)).toMatchObject({ out: artefact });
    h = await startHarness({
      config: (input) => ({ ...input, routes: { smart: { strategy: 'learned', strong: 'gpt-4o', weak: 'gpt-4o-mini', artefact } } }),
      mock: { recordRequests: false },
    });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('routes held-out prompts at about the calibrated strong share', { timeout: 120_000 }, async () => {
    // Every k-th held-out prompt, so all subjects and both data sets are represented.
    const test = loadRouteLlmSplits(sharedDataPath('routellm-evals')).test;
    const stride = Math.floor(test.length / 300);
    const prompts = test.filter((_, index) => index % stride === 0).slice(0, 300);
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    let strong = 0;
    let route = '';
    for (const prompt of prompts) {
      const { response } = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt.prompt }] }).withResponse();
      if (response.headers.get('x-tollgate-model') === 'gpt-4o') strong += 1;
      route = response.headers.get('x-tollgate-route') ?? '';
    }
    const share = strong / prompts.length;
    console.log(`learned route: ${strong} of ${prompts.length} held-out prompts to the strong model (${(share * 100).toFixed(1)}%, target 30%)`);
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.45);
    expect(route).toMatch(/^learned:gpt-4o(-mini)? p=0\.\d{3}\/t=0\.\d{3}/);
  });

  it('feedback on the weak model (with its prompt) becomes training data for the next artefact', { timeout: 120_000 }, async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    let weakAnswers = 0;
    for (let i = 0; weakAnswers < 12 && i < 200; i += 1) {
      const prompt = `Tell me a short fact number ${i} about rivers.`;
      const { response } = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] }).withResponse();
      if (response.headers.get('x-tollgate-model') !== 'gpt-4o-mini') continue;
      weakAnswers += 1;
      const posted = await h.admin('/api/feedback', { method: 'POST', body: JSON.stringify({ requestId: response.headers.get('x-tollgate-request-id'), score: 0, prompt }) });
      expect(posted.status).toBe(201);
    }
    const configPath = path.join(dir, 'tollgate.json');
    writeFileSync(configPath, JSON.stringify(h.config));
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'router', 'train', '--data', sharedDataPath('routellm-evals'), '--out', path.join(dir, 'router-2.json'), '--feedback-route', 'smart', '--config', configPath, '--json'],
      { cwd: root, env: { ...process.env, TOLLGATE_DATA_DIR: h.dataDir, DATABASE_URL: '' } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ nExtra: weakAnswers });
  });
});
