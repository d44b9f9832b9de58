import type { StartupPlan } from '../config/resolve-startup.ts';
import type { Runtime } from './types.ts';

/** What the operator needs to see at start-up: where it listens, what it proxies, what is open or closed. */
export function formatStartupReport(input: { url: string; plan: StartupPlan; runtime: Runtime; mockUrl: string | undefined }): string {
  const { url, plan, runtime, mockUrl } = input;
  const { config } = runtime;
  const lines = [
    `tollgate listening on ${url}`,
    `  config:    ${plan.source}`,
    `  storage:   ${runtime.ledger.backend}`,
    `  providers: ${Object.entries(config.providers).map(([id, p]) => `${id} (${p.kind} ${p.baseUrl})`).join(', ')}`,
    `  models:    ${Object.keys(config.models).join(', ') || '(none; model@provider only)'}`,
    `  proxy auth: ${config.server.anonymous ? `anonymous allowed (attributed to ${config.server.anonymous.org}/${config.server.anonymous.project}); tg- keys still checked` : 'virtual key required'}`,
    runtime.adminKey ? '  admin API: open at /api (Bearer TOLLGATE_ADMIN_KEY)' : '  admin API: CLOSED (set TOLLGATE_ADMIN_KEY to enable /api)',
    `  metrics:   ${url}/metrics`,
    `  budgets:   ${runtime.budgets.all.length ? runtime.budgets.all.map((b) => b.id).join(', ') : 'none'}`,
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
  return lines.join('\n');
}
