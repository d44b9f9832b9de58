import type { StartupPlan } from '../config/resolve-startup.ts';
import { redactUrl } from '../config/configured-secrets.ts';
import type { Runtime } from '../gateway/runtime.ts';

/** What the operator needs to see at start-up: where it listens, what it proxies, what is open or closed. */
export function formatStartupReport(input: { url: string; plan: StartupPlan; runtime: Runtime; mockUrl: string | undefined }): string {
  const { url, plan, runtime, mockUrl } = input;
  const { config } = runtime;
  const lines = [
    `tollgate listening on ${url}`,
    `  config:    ${plan.source}`,
    `  storage:   ${runtime.ledger.backend}`,
    `  providers: ${Object.entries(config.providers).map(([id, p]) => `${id} (${p.kind} ${redactUrl(p.baseUrl)})`).join(', ')}`,
    `  models:    ${Object.keys(config.models).join(', ') || '(none; model@provider only)'}`,
    `  proxy auth: ${config.server.anonymous ? `anonymous allowed (attributed to ${config.server.anonymous.org}/${config.server.anonymous.project}); tg- keys still checked` : 'virtual key required'}`,
    describeAdmin(runtime),
    `  metrics:   ${url}/metrics${config.admin.metricsRequireKey ? ' (operator key required)' : ''}`,
    `  budgets:   ${runtime.budgets.all.length ? runtime.budgets.all.map((b) => b.id).join(', ') : 'none'}`,
    `  cache:     ${describeCache(runtime)}`,
    `  kept data: ${describePersistence(runtime)}`,
  ];
  for (const warning of runtime.budgets.fixedCostWarnings()) lines.push(`  WARNING ${warning}`);
  if (plan.demo && mockUrl) {
    lines.push(
      '',
      `demo mode: upstream is the built-in mock at ${mockUrl}. Try:`,
      `  curl -s ${url}/v1/chat/completions -H 'content-type: application/json' \\`,
      `    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}' -D - `,
    );
  }
  // Nothing configured as a secret is ever printed, whatever a value above happens to contain.
  return runtime.secrets.scrub(lines.join('\n'));
}

/** Which admin credentials are open: the operator key, the viewer key, named keys (by name and role only). */
function describeAdmin(runtime: Runtime): string {
  const named = runtime.config.admin.keys.map((key) => `${key.name} (${key.role}${key.org ? `, org ${key.org}` : ''})`);
  const parts = [runtime.adminKey ? 'TOLLGATE_ADMIN_KEY' : undefined, runtime.viewerKey ? 'TOLLGATE_VIEWER_KEY (viewer)' : undefined, ...named].filter(Boolean);
  return parts.length ? `  admin API: open at /api for ${parts.join(', ')}` : '  admin API: CLOSED (set TOLLGATE_ADMIN_KEY to enable /api)';
}

/** One line on the response cache: exact store and TTL, and the semantic layer when on. */
function describeCache(runtime: Runtime): string {
  const cache = runtime.deps.cache;
  if (!cache) return 'off';
  const settings = runtime.config.cache;
  const exact = `exact (${cache.store.kind === 'redis' ? 'Redis' : `memory, ${settings.maxMegabytes} MB`}, ${settings.ttlSeconds} s)`;
  const semantic = cache.semantic ? ` + semantic (${cache.semantic.embedder.id.split(':')[0]} embedder, threshold ${settings.semantic.threshold}, ${cache.semantic.size} entries)` : '';
  return `${exact}${semantic}; deterministic requests or x-tollgate-cache: on`;
}

/** Where prompts and answers are kept outside process memory: stated, never implied. */
function describePersistence(runtime: Runtime): string {
  const cache = runtime.deps.cache;
  const parts = [runtime.config.ledger.storeBodies ? `prompts and request bodies in the ledger (ledger.storeBodies: true)` : 'no prompts in the ledger (ledger.storeBodies: false)'];
  if (cache) parts.push(cache.store.kind === 'redis' ? 'exact answers held in Redis' : 'exact answers in memory only');
  if (cache?.semantic) {
    parts.push(
      runtime.config.cache.semantic.persist === 'full'
        ? `semantic prompts, vectors and answers persisted to ${runtime.ledger.backend} (cache.semantic.persist: full)`
        : 'semantic entries in memory only, nothing written to disk (cache.semantic.persist: none)',
    );
  }
  return parts.join(', ');
}
