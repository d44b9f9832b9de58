import type { Hono } from 'hono';
import { covers } from '../../budgets/applicable.ts';
import type { BudgetConfig } from '../../config/schema.ts';
import { GatewayError } from '../../domain/errors.ts';
import { formatUsd } from '../../domain/money.ts';
import type { Principal } from '../../domain/principal.ts';
import type { VirtualKey } from '../../keys/store.ts';
import type { SpendRow } from '../../ledger/store.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { presentedKey, principalFromKey } from '../middleware/authenticate.ts';

/** Scopes that name who is calling; global, model and provider budgets are shared with other tenants and not shown. */
const OWN_SCOPES: ReadonlySet<BudgetConfig['scope']> = new Set(['org', 'project', 'user', 'key', 'tag']);

/** The budgets that cover this key by who it is (never by what attribution headers claim). Pure. */
export function ownBudgets(budgets: readonly BudgetConfig[], principal: Principal): BudgetConfig[] {
  return budgets.filter((budget) => OWN_SCOPES.has(budget.scope) && covers(budget, { principal, requestedModel: '', upstreamModel: '', providerId: '' }));
}

/**
 * `GET /v1/tollgate/usage`, authenticated with the virtual key like proxy calls: the key's own
 * spend and request counts (today and this month, UTC) and the remaining room in the budgets that
 * cover it. Nothing about other keys, and no shared (global, model, provider) budget.
 */
export function registerSelfUsageRoute(app: Hono<GatewayEnv>, runtime: Runtime): void {
  // The month's totals scan the ledger by time: one answer per key is reused for a few seconds
  // (and shared by concurrent calls), so a key polling in a loop cannot load the store for everyone.
  const recent = new Map<string, { atMs: number; answer: Promise<Record<string, unknown>> }>();
  app.get('/v1/tollgate/usage', async (c) => {
    const secret = presentedKey(c.req.raw.headers);
    const key = c.get('principal')?.keyId !== undefined && secret ? await runtime.lookupKey(secret) : undefined;
    if (!key || key.revokedAtMs !== null) throw new GatewayError('unauthorized', 'Usage is per virtual key: send your Tollgate key (tg-…) as a Bearer token or in x-api-key');
    const now = runtime.deps.now();
    const cached = recent.get(key.id);
    if (cached && now - cached.atMs < REUSE_MS) return c.json(await cached.answer);
    if (recent.size >= MAX_REMEMBERED) recent.clear();
    const answer = usageOf(runtime, key, now);
    recent.set(key.id, { atMs: now, answer });
    answer.catch(() => recent.delete(key.id));
    return c.json(await answer);
  });
}

const REUSE_MS = 2_000;
const MAX_REMEMBERED = 10_000;

async function usageOf(runtime: Runtime, key: VirtualKey, now: number): Promise<Record<string, unknown>> {
  const principal = principalFromKey(key);
  const day = new Date(now);
  const dayStartMs = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  const monthStartMs = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1);
  const [today, month] = await Promise.all([dayStartMs, monthStartMs].map((fromMs) => runtime.ledger.summarize([], { keyId: key.id, fromMs })));
  const mine = new Set(ownBudgets(runtime.budgets.all, principal).map((budget) => budget.id));
  const budgets = mine.size === 0 ? [] : (await runtime.budgets.status()).filter((status) => mine.has(status.id));
  return {
    object: 'tollgate.usage',
    key: { id: key.id, name: key.name, prefix: key.prefix, org: key.orgId, project: key.projectId, user: key.userId },
    today: totals(today![0], dayStartMs),
    month: totals(month![0], monthStartMs),
    budgets: budgets.map((status) => ({
      id: status.id,
      scope: status.scope,
      value: status.value,
      period: status.period,
      windowStart: status.windowStart,
      windowEnd: status.windowEnd,
      limitUsd: status.limitUsd,
      usedUsd: status.usedUsd,
      remainingUsd: status.remainingUsd,
      percent: status.percent,
    })),
  };
}

function totals(row: SpendRow | undefined, fromMs: number) {
  return {
    from: new Date(fromMs).toISOString(),
    requests: row?.requests ?? 0,
    errors: row?.errors ?? 0,
    inputTokens: row?.inputTokens ?? 0,
    outputTokens: row?.outputTokens ?? 0,
    costUsd: formatUsd(row?.costNanoUsd ?? 0),
    savedUsd: formatUsd(row?.savedNanoUsd ?? 0),
  };
}
