import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WhatIfReport } from '../../src/cache/what-if.ts';
import { fmix32, fnv1a32 } from '../../src/domain/hash32.ts';
import { ADMIN_KEY, startHarness, type Harness } from '../support/harness.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Paraphrase repeats of a prompt: the rewrites users make when they ask the same thing again. */
const REWRITES: Array<(p: string) => string> = [
  (p) => p,
  (p) => `  ${p.toLowerCase()}  `,
  (p) => p.replace(/[.?!]*\s*$/, '?'),
  (p) => p.replace(/\bCan you\b/g, 'Could you').replace(/\bHow do I\b/g, 'How can I').replace(/\bWhat is\b/g, "What's"),
  (p) => p.replace(/\bthe\b/, 'a'),
];

/**
 * `tollgate cache analyze` on a ledger built by replaying Arena-Hard prompts through the gateway with
 * the cache off: a Zipf-like share of prompts is asked again, mostly as light paraphrases.
 */
skipUnless(hasSharedData('arena-hard/arena-hard-v0.1-question.jsonl'), missingSharedData('arena-hard/arena-hard-v0.1-question.jsonl'))('cache what-if on an Arena-Hard replay', () => {
  let h: Harness;
  // A synthetic clock: the replay spans ~40 hours (3 minutes between requests), so TTLs matter.
  let clock = Date.UTC(2026, 10, 2);
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, ledger: { storeBodies: true } }), now: () => clock });
  });
  afterAll(() => h.close());

  const cli = async (args: string[]) => {
    const env = { ...process.env, TOLLGATE_DATA_DIR: h.dataDir, TOLLGATE_URL: h.url, TOLLGATE_ADMIN_KEY: ADMIN_KEY, DATABASE_URL: '' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  };

  it('reports hit rate and dollars a cache would have saved, exact and semantic; warm-up serves the top prompts', { timeout: 240_000 }, async () => {
    const prompts = readFileSync(sharedDataPath('arena-hard/arena-hard-v0.1-question.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { prompt: string }).prompt)
      .slice(0, 400);
    const asks: Array<{ text: string; order: number }> = [];
    prompts.forEach((prompt, i) => {
      const repeats = i % 4 === 0 ? Math.floor(8 / (1 + (i % 16) / 4)) : 0; // 25% of prompts asked again, 2–8 times
      for (let k = 0; k <= repeats; k += 1) asks.push({ text: (REWRITES[k % REWRITES.length] as (p: string) => string)(prompt), order: hash(`${i}:${k}`) });
    });
    // Interleave deterministically so repeats (identical or not) are spread over the replay.
    const stream = asks.sort((a, b) => a.order - b.order).map((ask) => ask.text);
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    for (const content of stream) {
      clock += 3 * 60_000;
      await openai.chat.completions.create({ model: 'gpt-4o', temperature: 0, messages: [{ role: 'user', content }] }, { headers: { 'x-tollgate-cache': 'off' } });
    }
    expect(h.mock.requests.length).toBe(stream.length);

    const report = JSON.parse(await cli(['cache', 'analyze', '--ttl', '1h,1d,7d', '--threshold', '0.85,0.9,0.95', '--json'])) as WhatIfReport;
    console.log(`${stream.length} requests (${prompts.length} distinct Arena-Hard prompts) over ${Math.round((stream.length * 3) / 60)} hours\n${await cli(['cache', 'analyze', '--ttl', '1h,1d,7d', '--threshold', '0.85,0.9,0.95'])}`);
    expect(report.analysed).toBe(stream.length);
    const exact = report.scenarios.find((s) => s.kind === 'exact' && s.ttlMs === 86_400_000)!;
    const semantic = report.scenarios.find((s) => s.kind === 'semantic' && s.ttlMs === 86_400_000 && s.threshold === 0.9)!;
    expect(exact.hits).toBeGreaterThan(0);
    expect(semantic.hits).toBeGreaterThan(exact.hits);
    // A longer TTL never hits less.
    const hitsAt = (ttlMs: number) => report.scenarios.find((s) => s.kind === 'semantic' && s.ttlMs === ttlMs && s.threshold === 0.9)!.hits;
    expect(hitsAt(3_600_000)).toBeLessThan(hitsAt(86_400_000));
    expect(hitsAt(86_400_000)).toBeLessThanOrEqual(hitsAt(7 * 86_400_000));
    expect(semantic.savedNanoUsd).toBeGreaterThan(exact.savedNanoUsd);
    // No more hits than there were repeats.
    expect(semantic.hits).toBeLessThanOrEqual(stream.length - prompts.length);

    const warm = JSON.parse(await cli(['cache', 'warm', '--strategy', 'frequency', '--top', '3', '--min-count', '2', '--json'])) as { warmed: number; data: Array<{ prompt: string; count: number }> };
    expect(warm.warmed).toBe(3);
    const top = warm.data[0]!;
    const again = await openai.chat.completions.create({ model: 'gpt-4o', temperature: 0, messages: [{ role: 'user', content: top.prompt }] }).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('hit');
  });
});

/** FNV-1a then murmur3's finaliser: FNV alone leaves "12:0" and "12:1" close together. */
const hash = (text: string): number => fmix32(fnv1a32(text));
