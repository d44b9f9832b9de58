import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoredBudget } from '../../src/budgets/store.ts';
import { demoConfig } from '../../src/config/demo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { budgetSchema, MAX_BUDGET_LIMIT_USD } from '../../src/config/schema.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { openStorage } from '../../src/storage/open-storage.ts';
import { ADMIN_KEY } from '../support/harness.ts';
import { NO_POSTGRES_BINARIES, postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { skipUnless } from '../support/skip-unless.ts';

/**
 * Budget rows stored before the limit range was enforced (or edited by hand) come back at start-up
 * with limits out of range. None of them may crash a request or switch its budget off: a limit above
 * the maximum is clamped to it, one under a nano-dollar raised to it, and null / negative / zero / a
 * string fail closed (the budget refuses spend in its scope) until an admin sets the limit; each is
 * logged and listed by the admin API.
 */
const row = (input: Record<string, unknown>, limitUsd: unknown): StoredBudget => ({ ...budgetSchema.parse({ ...input, limitUsd: 1 }), limitUsd } as unknown as StoredBudget);

const ROWS: StoredBudget[] = [
  row({ id: 'null-limit', scope: 'model', value: 'gpt-4o-mini', period: 'daily' }, null),
  row({ id: 'negative-limit', scope: 'model', value: 'text-embedding-3-small', period: 'daily' }, -5),
  row({ id: 'string-limit', scope: 'model', value: 'claude-3-5-haiku-latest', period: 'monthly' }, 'abc'),
  row({ id: 'tiny-limit', scope: 'project', value: 'demo/unused', period: 'daily' }, 1e-12),
  row({ id: 'huge-limit', scope: 'global', period: 'monthly' }, 1e12),
];

function suite(name: string, open: () => Promise<{ dataDir: string; databaseUrl?: string; cleanup(): Promise<void> }>, enabled = true) {
  skipUnless(enabled, NO_POSTGRES_BINARIES)(`stored budget limits out of range (${name})`, () => {
    let mock: MockProvider;
    let server: RunningServer;
    let cleanup: () => Promise<void>;
    const logged: string[] = [];
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' } });

    beforeAll(async () => {
      const where = await open();
      cleanup = where.cleanup;
      const storage = await openStorage({ dataDir: where.dataDir, databaseUrl: where.databaseUrl });
      for (const stored of ROWS) await storage.budgets.saveBudget(stored);
      await storage.close();
      mock = await startMockProvider({ port: 0 });
      const config = parseConfig({ ...demoConfig(mock.url, 0), cache: { enabled: false } }, {});
      server = await startServer(config, { dataDir: where.dataDir, databaseUrl: where.databaseUrl, adminKey: ADMIN_KEY, defaultMetrics: false, log: (line) => logged.push(line) });
    });
    afterAll(async () => {
      await server?.close();
      await mock?.close();
      await cleanup?.();
    });

    it('starts, and says loudly at start-up which limits it did not take as stored', () => {
      const errors = logged.filter((line) => line.startsWith('ERROR budget '));
      expect(errors).toHaveLength(5);
      expect(errors.find((line) => line.includes('null-limit'))).toMatch(/fails closed/);
      expect(errors.find((line) => line.includes('huge-limit'))).toMatch(/above the maximum/);
    });

    it('null, negative and string limits fail closed: spending in their scope is refused with a 429, not a 500', async () => {
      const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'anonymous', maxRetries: 0 });
      const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
      expect(chat).toBeInstanceOf(OpenAI.RateLimitError);
      expect((chat as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('budget_exceeded');
      const embedding = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' }).catch((error: unknown) => error);
      expect((embedding as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
      const anthropic = new Anthropic({ baseURL: server.url, apiKey: 'anonymous', maxRetries: 0 });
      const message = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
      expect(message).toBeInstanceOf(Anthropic.RateLimitError);
    });

    it('a limit above the maximum is clamped to it: the budget still counts, and traffic in range is served', async () => {
      const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'anonymous', maxRetries: 0 });
      const reply = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      expect(reply.object).toBe('chat.completion');
      const listing = (await (await admin('/api/budgets')).json()) as { data: Array<{ id: string; limitUsd: string; usedUsd: string }> };
      const huge = listing.data.find((b) => b.id === 'huge-limit');
      expect(huge?.limitUsd).toBe(String(MAX_BUDGET_LIMIT_USD));
      expect(Number(huge?.usedUsd)).toBeGreaterThan(0);
    });

    it('the admin API lists each problem, and setting a limit clears it and lifts the refusal', async () => {
      const listing = (await (await admin('/api/budgets')).json()) as { problems: Array<{ id: string; action: string; storedLimitUsd: unknown; limitUsd: number }> };
      expect(Object.fromEntries(listing.problems.map((p) => [p.id, p.action]))).toEqual({
        'null-limit': 'fail-closed',
        'negative-limit': 'fail-closed',
        'string-limit': 'fail-closed',
        'tiny-limit': 'clamped',
        'huge-limit': 'clamped',
      });
      expect(listing.problems.find((p) => p.id === 'negative-limit')).toMatchObject({ storedLimitUsd: -5, limitUsd: 1e-9 });
      const one = (await (await admin('/api/budgets/null-limit')).json()) as { problem?: { action: string } };
      expect(one.problem?.action).toBe('fail-closed');

      const patched = await admin('/api/budgets/null-limit', { method: 'PATCH', body: JSON.stringify({ limitUsd: 5 }) });
      expect(patched.status).toBe(200);
      const after = (await (await admin('/api/budgets')).json()) as { problems: Array<{ id: string }> };
      expect(after.problems.map((p) => p.id)).not.toContain('null-limit');
      const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'anonymous', maxRetries: 0 });
      const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(reply.object).toBe('chat.completion');
    });
  });
}

suite('SQLite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-stored-limits-'));
  return { dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
});

let cluster: PostgresCluster | undefined;
suite(
  'PostgreSQL',
  async () => {
    cluster = startPostgresCluster();
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-stored-limits-pg-'));
    return {
      dataDir,
      databaseUrl: cluster.url,
      cleanup: async () => {
        cluster?.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
  postgresAvailable,
);
