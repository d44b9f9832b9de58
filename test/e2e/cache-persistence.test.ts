import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashedEmbedder } from '../../src/language/embedder.ts';
import { formatStartupReport } from '../../src/runtime/startup-report.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const PROMPT = 'What does the quokkacanary7f3a eat for breakfast?';
const PARAPHRASE = 'what does the quokkacanary7f3a eat for breakfast';
const ANSWER = 'Leaves, says zebranswer91c2.';

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesContaining(path, needle));
    else if (readFileSync(path).includes(Buffer.from(needle))) found.push(name);
  }
  return found;
}

/** Issue #10.13: what the semantic cache writes to disk is an explicit setting, stated at start-up. */
describe('semantic-cache persistence', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-persist-'));
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (persist?: 'none' | 'full') => {
    await h?.close();
    h = await startHarness({ dataDir, config: (input) => ({ ...input, cache: { semantic: { enabled: true, ...(persist ? { persist } : {}) } } }) });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    h.mock.setDefaults({ text: ANSWER });
    const ask = async (content: string) =>
      (await openai.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] }).withResponse()).response.headers.get('x-tollgate-cache');
    const report = formatStartupReport({ url: h.url, plan: { config: h.config, demo: false, source: 'test' }, runtime: h.server.gateway.runtime, mockUrl: undefined });
    return { ask, report };
  };
  const onDisk = () => [...filesContaining(dataDir, 'quokkacanary7f3a'), ...filesContaining(dataDir, 'zebranswer91c2')];

  it('by default (storeBodies false, persist none) no prompt or answer reaches disk, and the start-up report says so', async () => {
    const { ask, report } = await start();
    expect(await ask(PROMPT)).toBe('miss');
    expect(await ask(PARAPHRASE)).toBe('semantic-hit');
    await h!.ledger();
    await h!.close();
    h = undefined;
    expect(onDisk()).toEqual([]);
    expect(report).toMatch(/kept data: no prompts in the ledger \(ledger.storeBodies: false\), exact answers in memory only, semantic entries in memory only, nothing written to disk \(cache.semantic.persist: none\)/);
    expect(report).toContain('semantic (hashed-ngram embedder');
  });

  it('persist: full keeps entries (and says so); a restart restores them; switching back to none deletes them from disk', async () => {
    const full = await start('full');
    expect(full.report).toContain('semantic prompts, vectors and answers persisted to sqlite (cache.semantic.persist: full)');
    expect(await full.ask(PROMPT)).toBe('miss');
    await h!.close();
    h = undefined;
    expect(onDisk().length).toBeGreaterThan(0);

    const again = await start('full');
    expect(await again.ask(PARAPHRASE)).toBe('semantic-hit');
    expect(h!.mock.requests).toHaveLength(0);

    const none = await start('none');
    expect(await none.ask(PARAPHRASE)).toBe('miss');
    await h!.close();
    h = undefined;
    expect(onDisk()).toEqual([]);
  });

  it('entries persisted under the former embedder id (hashed-ngram-idf) are re-embedded at start and still serve', async () => {
    const legacyId = 'hashed-ngram-idf:v1:d256:c3-5:w1/0.6/0.35:s2654435761:n0:flat';
    expect(createHashedEmbedder().id).not.toContain('idf');
    const first = await start('full');
    expect(await first.ask(PROMPT)).toBe('miss');
    await h!.close();
    h = undefined;
    // As an older version wrote it: its id, and a vector this version must not trust.
    const db = new Database(join(dataDir, 'tollgate.db'));
    db.prepare('UPDATE semantic_cache SET embedder_id = ?, vector = ?').run(legacyId, Buffer.alloc(256 * 4));
    db.close();
    const restarted = await start('full');
    expect(await restarted.ask(PARAPHRASE)).toBe('semantic-hit');
    expect(h!.mock.requests).toHaveLength(0);
  });
});
