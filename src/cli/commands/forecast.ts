import { formatForecastCsv, formatForecastTable } from '../../analytics/forecast/format-forecast.ts';
import type { BudgetForecast, ForecastDimension } from '../../analytics/forecast/forecast-report.ts';
import { FORECAST_METRICS, type ForecastMetric } from '../../analytics/forecast/hourly-series.ts';
import { forecastLedger, type LedgerForecast } from '../../analytics/forecast/ledger-forecast.ts';
import type { LedgerFilter } from '../../ledger/store.ts';
import { adminRequest } from '../admin-client.ts';
import { CliError, defineCommand } from '../command.ts';
import { localBudgetForecasts } from '../local-budget-forecasts.ts';
import { loadCliConfig, openCliStorage } from '../open-state.ts';

const USAGE = 'tollgate forecast [--horizon 30d] [--metric cost|requests|tokens] [--by project|model] [--project P] [--model M] [--history 56d] [--backtest] [--select-method] [--format table|json|csv] [--local] [--config FILE]';

export default defineCommand({
  name: 'forecast',
  description: 'Spend (or requests, tokens) forecast with 80%/95% intervals, per project or model, budgets to period end; --backtest shows its accuracy on your ledger.',
  usage: USAGE,
  options: {
    horizon: { type: 'string' },
    history: { type: 'string' },
    metric: { type: 'string' },
    by: { type: 'string' },
    project: { type: 'string' },
    model: { type: 'string' },
    backtest: { type: 'boolean' },
    'select-method': { type: 'boolean' },
    format: { type: 'string' },
    local: { type: 'boolean' },
    config: { type: 'string' },
  },
  async run({ values }) {
    const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    const format = text('format') ?? 'table';
    if (!['table', 'json', 'csv'].includes(format)) throw new CliError(`--format must be table, json or csv\nusage: ${USAGE}`, 2);
    const metric = (text('metric') ?? 'cost') as ForecastMetric;
    if (!FORECAST_METRICS.includes(metric)) throw new CliError(`--metric must be one of ${FORECAST_METRICS.join(', ')}\nusage: ${USAGE}`, 2);
    const by = text('by');
    if (by !== undefined && by !== 'project' && by !== 'model') throw new CliError(`--by must be project or model\nusage: ${USAGE}`, 2);
    const horizon = text('horizon') ?? '30d';
    const history = text('history') ?? '56d';
    const horizonHours = hours(horizon, '--horizon', 90 * 24);
    const historyHours = hours(history, '--history', 365 * 24);
    let report: LedgerForecast & { budgets?: BudgetForecast[] };
    // A running gateway (admin key set) also projects its budgets; otherwise the store is read directly.
    if (process.env.TOLLGATE_ADMIN_KEY && values.local !== true) {
      const query = new URLSearchParams({ horizon, history, metric, ...(by ? { by } : {}), ...(text('project') ? { project: text('project')! } : {}), ...(text('model') ? { model: text('model')! } : {}), ...(values.backtest ? { backtest: 'true' } : {}), ...(values['select-method'] ? { method: 'select' } : {}) });
      report = (await adminRequest(`/api/cost/forecast?${query}`)) as LedgerForecast;
    } else {
      const filter: LedgerFilter = {};
      if (text('project')) filter.projectId = text('project')!;
      if (text('model')) filter.model = text('model')!;
      const storage = await openCliStorage();
      try {
        const nowMs = Date.now();
        report = await forecastLedger(storage.ledger, { metric, by: by as ForecastDimension | undefined, filter, horizonHours, historyHours, nowMs, backtest: values.backtest === true, selectMethod: values['select-method'] === true });
        // Budgets from the config (--config, TOLLGATE_CONFIG) and the store, spend read from the ledger.
        if (metric === 'cost' && report.model !== 'none') report = { ...report, budgets: await localBudgetForecasts(loadCliConfig(text('config')), storage, nowMs) };
      } finally {
        await storage.close();
      }
    }
    console.log(format === 'json' ? JSON.stringify(report, null, 2) : format === 'csv' ? formatForecastCsv(report) : formatForecastTable(report));
  },
});

function hours(value: string, flag: string, max: number): number {
  const match = /^(\d{1,5})([dh]?)$/.exec(value);
  const result = match ? Number(match[1]) * (match[2] === 'h' ? 1 : 24) : Number.NaN;
  if (!Number.isFinite(result) || result < 1 || result > max) throw new CliError(`${flag} must be days or hours like 30d or 72h, at most ${max / 24} days\nusage: ${USAGE}`, 2);
  return result;
}
