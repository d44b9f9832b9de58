import type { BudgetStatus } from '../../budgets/enforcer.ts';
import { adminRequest } from '../admin-client.ts';
import { CliError, defineCommand } from '../command.ts';
import { output } from '../open-state.ts';

const USAGE = `tollgate budgets status [--json]
       tollgate budgets create --id ID --scope global|org|project|user|key|tag|model|provider [--value V] [--org ORG]
                               --period daily|weekly|monthly|rolling [--rolling-hours N] [--timezone Europe/Paris]
                               --limit USD [--include-fixed-costs] [--thresholds 50:alert,80:alert,100:block]
       tollgate budgets delete ID
       tollgate budgets alerts [--json]
Talks to a running gateway: --url (or TOLLGATE_URL, default http://127.0.0.1:$PORT) with TOLLGATE_ADMIN_KEY.`;

export default defineCommand({
  name: 'budgets',
  description: 'Show budget status and alerts; create and delete budgets on a running gateway.',
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
    thresholds: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }) {
    const [action, ...rest] = positionals;
    const url = typeof values.url === 'string' ? values.url : undefined;
    const json = values.json === true;
    if (action === 'status' || action === undefined) {
      const { data } = (await adminRequest('/api/budgets', { url })) as { data: BudgetStatus[] };
      output(json, data, () =>
        data.length
          ? data
              .map(
                (b) =>
                  `${b.id.padEnd(16)} ${`${b.scope}${b.value ? ` ${b.value}` : ''}`.padEnd(20)} ${b.period.padEnd(10)} $${b.usedUsd} of $${b.limitUsd} (${b.percent}%), ` +
                  `$${b.remainingUsd} left; burn $${b.burnRatePerHourUsd}/h → $${b.projectedUsd} by ${b.windowEnd}${b.exhaustionAt ? `; EXHAUSTED AT ${b.exhaustionAt}` : ''}`,
              )
              .join('\n')
          : 'no budgets',
      );
    } else if (action === 'create') {
      if (typeof values.limit !== 'string') throw new CliError(`--limit is required\nusage: ${USAGE}`, 2);
      const body: Record<string, unknown> = {
        id: values.id,
        scope: values.scope,
        value: values.value,
        period: values.period,
        limitUsd: Number(values.limit),
        includeFixedCosts: values['include-fixed-costs'] === true,
      };
      if (typeof values.org === 'string') body.org = values.org;
      if (typeof values['rolling-hours'] === 'string') body.rollingHours = Number(values['rolling-hours']);
      if (typeof values.timezone === 'string') body.timezone = values.timezone;
      if (typeof values.thresholds === 'string') {
        body.thresholds = values.thresholds.split(',').map((item) => {
          const [percent, thresholdAction, downgradeTo] = item.split(':');
          return { percent: Number(percent), action: thresholdAction, ...(downgradeTo ? { downgradeTo } : {}) };
        });
      }
      const created = await adminRequest('/api/budgets', { url, method: 'POST', body });
      output(json, created, () => `created budget ${String(values.id)}`);
    } else if (action === 'delete') {
      const id = rest[0];
      if (!id) throw new CliError(`delete needs a budget id\nusage: ${USAGE}`, 2);
      await adminRequest(`/api/budgets/${encodeURIComponent(id)}`, { url, method: 'DELETE' });
      console.log(`deleted budget ${id}`);
    } else if (action === 'alerts') {
      const { data } = (await adminRequest('/api/alerts', { url })) as { data: Array<{ timeMs: number; message: string }> };
      output(json, data, () => (data.length ? data.map((a) => `${new Date(a.timeMs).toISOString()}  ${a.message}`).join('\n') : 'no alerts'));
    } else {
      throw new CliError(`unknown action '${action}'\nusage: ${USAGE}`, 2);
    }
  },
});
