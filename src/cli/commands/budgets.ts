import type { BudgetStatus } from '../../budgets/enforcer.ts';
import { adminRequest } from '../admin-client.ts';
import { CliError, defineCommand } from '../command.ts';
import { output } from '../open-state.ts';

const USAGE = `tollgate budgets status [--json]
       tollgate budgets create --id ID --scope global|org|project|user|key|tag|model|provider [--value V] [--org ORG]
                               --period daily|weekly|monthly|rolling [--rolling-hours N] [--timezone Europe/Paris]
                               --limit USD [--include-fixed-costs] [--thresholds 50:alert,80:downgrade:gpt-4o-mini,100:block]
       tollgate budgets update ID [--limit USD] [--period P] [--rolling-hours N] [--timezone TZ] [--scope S --value V]
                               [--thresholds …] [--include-fixed-costs | --no-fixed-costs]   (changes only what is given)
       tollgate budgets reset ID          (zeroes the current period's spend; audited)
       tollgate budgets delete ID         (a config-file budget stays off until re-created)
       tollgate budgets alerts [--budget ID] [--json]
Talks to a running gateway: --url (or TOLLGATE_URL, default http://127.0.0.1:$PORT) with TOLLGATE_ADMIN_KEY.`;

export default defineCommand({
  name: 'budgets',
  description: 'Show budget status and alerts; create, update, reset and delete budgets on a running gateway.',
  usage: USAGE,
  options: {
    url: { type: 'string' },
    id: { type: 'string' },
    scope: { type: 'string' },
    value: { type: 'string' },
    org: { type: 'string' },
    period: { type: 'string' },
    'rolling-hours': { type: 'string' },
    timezone: { type: 'string' },
    limit: { type: 'string' },
    'include-fixed-costs': { type: 'boolean' },
    'no-fixed-costs': { type: 'boolean' },
    thresholds: { type: 'string' },
    budget: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }) {
    const [action, ...rest] = positionals;
    const url = typeof values.url === 'string' ? values.url : undefined;
    const json = values.json === true;
    const idArgument = () => {
      const id = rest[0];
      if (!id) throw new CliError(`${action} needs a budget id\nusage: ${USAGE}`, 2);
      return id;
    };
    if (action === 'status' || action === undefined) {
      const { data } = (await adminRequest('/api/budgets', { url })) as { data: BudgetStatus[] };
      output(json, data, () =>
        data.length
          ? data
              .map(
                (b) =>
                  `${b.id.padEnd(16)} ${`${b.scope}${b.value ? ` ${b.value}` : ''}`.padEnd(20)} ${b.period.padEnd(10)} $${b.usedUsd} of $${b.limitUsd} (${b.percent}%), ` +
                  `$${b.remainingUsd} left; burn $${b.burnRatePerHourUsd}/h → $${b.projectedUsd}${b.projectionMethod?.startsWith('forecast') ? ' (forecast)' : ''} by ${b.windowEnd}${b.exhausted ? '; EXHAUSTED' : b.exhaustionAt ? `; runs out at ${b.exhaustionAt}` : ''}` +
                  `${b.resetAt ? `; reset ${b.resetAt}` : ''}${b.source === 'config-replaced' ? ' (config, changed at run time)' : ''}`,
              )
              .join('\n')
          : 'no budgets',
      );
    } else if (action === 'create') {
      if (typeof values.limit !== 'string') throw new CliError(`--limit is required\nusage: ${USAGE}`, 2);
      const body: Record<string, unknown> = { id: values.id, scope: values.scope, value: values.value, period: values.period, includeFixedCosts: values['include-fixed-costs'] === true };
      Object.assign(body, changes(values));
      if (typeof values.org === 'string') body.org = values.org;
      const created = await adminRequest('/api/budgets', { url, method: 'POST', body });
      output(json, created, () => `created budget ${String(values.id)}`);
    } else if (action === 'update') {
      const id = idArgument();
      const body = changes(values);
      if (typeof values.scope === 'string') body.scope = values.scope;
      if (typeof values.value === 'string') body.value = values.value;
      if (typeof values.period === 'string') body.period = values.period;
      if (Object.keys(body).length === 0) throw new CliError(`update needs at least one change\nusage: ${USAGE}`, 2);
      const updated = await adminRequest(`/api/budgets/${encodeURIComponent(id)}`, { url, method: 'PATCH', body });
      output(json, updated, () => `updated budget ${id}`);
    } else if (action === 'reset') {
      const id = idArgument();
      const reset = (await adminRequest(`/api/budgets/${encodeURIComponent(id)}/reset`, { url, method: 'POST' })) as { resetAt: string; spentBeforeUsd: string };
      output(json, reset, () => `reset budget ${id} at ${reset.resetAt} ($${reset.spentBeforeUsd} had been spent in the period)`);
    } else if (action === 'delete') {
      const id = idArgument();
      await adminRequest(`/api/budgets/${encodeURIComponent(id)}`, { url, method: 'DELETE' });
      console.log(`deleted budget ${id}`);
    } else if (action === 'alerts') {
      const query = typeof values.budget === 'string' ? `?budget=${encodeURIComponent(values.budget)}` : '';
      const { data } = (await adminRequest(`/api/alerts${query}`, { url })) as { data: Array<{ timeMs: number; message: string }> };
      output(json, data, () => (data.length ? data.map((a) => `${new Date(a.timeMs).toISOString()}  ${a.message}`).join('\n') : 'no alerts'));
    } else {
      throw new CliError(`unknown action '${action}'\nusage: ${USAGE}`, 2);
    }
  },
});

/** The definition fields given as flags (numbers as numbers; the server validates them). */
function changes(values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (typeof values.limit === 'string') body.limitUsd = Number(values.limit);
  if (typeof values['rolling-hours'] === 'string') body.rollingHours = Number(values['rolling-hours']);
  if (typeof values.timezone === 'string') body.timezone = values.timezone;
  if (values['include-fixed-costs'] === true) body.includeFixedCosts = true;
  if (values['no-fixed-costs'] === true) body.includeFixedCosts = false;
  if (typeof values.thresholds === 'string') {
    body.thresholds = values.thresholds.split(',').map((item) => {
      const [percent, thresholdAction, downgradeTo] = item.split(':');
      return { percent: Number(percent), action: thresholdAction, ...(downgradeTo ? { downgradeTo } : {}) };
    });
  }
  return body;
}
