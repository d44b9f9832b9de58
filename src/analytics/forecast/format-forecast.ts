import type { BacktestResult } from './backtest.ts';
import type { ForecastPoint } from './forecast-series.ts';
import type { LedgerForecast } from './ledger-forecast.ts';
import type { BudgetForecast } from './forecast-report.ts';

type Printable = LedgerForecast & { budgets?: BudgetForecast[] };

/** A metric value for people: dollars for cost (nano-USD in), plain counts otherwise. */
function show(metric: string, value: number): string {
  if (metric === 'cost') return `$${(value / 1e9).toFixed(value < 1e10 ? 4 : 2)}`;
  return Math.round(value).toLocaleString('en');
}

const range = (metric: string, p: ForecastPoint, level: 80 | 95) => `${show(metric, level === 80 ? p.lo80 : p.lo95)}–${show(metric, level === 80 ? p.hi80 : p.hi95)}`;

/** The forecast as text: model and why, then per day (UTC) the mean with 80% and 95% ranges, parts, budgets, backtest. Pure. */
export function formatForecastTable(report: Printable): string {
  const lines = [`Forecast of ${report.metric}, ${report.horizonHours} hours ahead — model: ${report.model}`, `  ${report.reason}`];
  if (report.model === 'none') return lines.join('\n');
  lines.push('', 'day (UTC)    mean            80%                          95%');
  const days = new Map<string, ForecastPoint>();
  for (const point of report.points) {
    const day = new Date(point.t).toISOString().slice(0, 10);
    const sum = days.get(day) ?? { mean: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0 };
    days.set(day, { mean: sum.mean + point.mean, lo80: sum.lo80 + point.lo80, hi80: sum.hi80 + point.hi80, lo95: sum.lo95 + point.lo95, hi95: sum.hi95 + point.hi95 });
  }
  for (const [day, p] of days) lines.push(`${day}   ${show(report.metric, p.mean).padEnd(14)}  ${range(report.metric, p, 80).padEnd(27)}  ${range(report.metric, p, 95)}`);
  lines.push(`total        ${show(report.metric, report.total.mean).padEnd(14)}  ${range(report.metric, report.total, 80).padEnd(27)}  ${range(report.metric, report.total, 95)}`);
  if (report.parts) {
    lines.push('', `by part (${report.reconciliation ?? ''}):`);
    for (const part of report.parts) lines.push(`  ${part.key.padEnd(24)} ${show(report.metric, part.total.mean).padEnd(14)} 80% ${range(report.metric, part.total, 80)}`);
  }
  if (report.budgets && report.budgets.length > 0) {
    lines.push('', 'budgets at period end:');
    for (const b of report.budgets) {
      const runsOut = b.exhaustionAtMs !== null ? `; runs out ${new Date(b.exhaustionAtMs).toISOString()}` : '';
      lines.push(`  ${b.budgetId.padEnd(20)} spent ${show('cost', b.spentNanoUsd)}, projected ${show('cost', b.projectedNanoUsd)} (80% ${show('cost', b.lo80NanoUsd)}–${show('cost', b.hi80NanoUsd)}) of ${show('cost', b.limitNanoUsd)} [${b.method}]${runsOut}`);
    }
  }
  if (report.backtest) lines.push('', ...formatBacktest(report.backtest));
  return lines.join('\n');
}

export function formatBacktest(result: BacktestResult | { reason: string }): string[] {
  if ('reason' in result) return [`backtest: ${result.reason}`];
  const pct = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value.toFixed(1)}%`);
  return [
    `backtest: ${result.origins} origins, ${result.horizonHours} hours ahead each (model at the last origin: ${result.model})`,
    `  hourly WAPE   forecast ${pct(result.forecast.wapePercent)}   same hour yesterday ${pct(result.yesterday.wapePercent)}   same hour last week ${pct(result.lastWeek?.wapePercent)}`,
    `  coverage      80% interval ${pct(result.forecast.coverage80Percent)}   95% interval ${pct(result.forecast.coverage95Percent)}`,
    ...(result.daily
      ? [`  daily WAPE    forecast ${pct(result.daily.forecastWapePercent)}   yesterday ${pct(result.daily.yesterdayWapePercent)}   same day last week ${pct(result.daily.lastWeekWapePercent)}   mean of 7 days ${pct(result.daily.mean7WapePercent)}`]
      : []),
  ];
}

/** Hourly points as CSV: `time,mean,lo80,hi80,lo95,hi95` (cost in nano-USD). Pure. */
export function formatForecastCsv(report: Printable): string {
  const rows = ['time,mean,lo80,hi80,lo95,hi95'];
  for (const p of report.points) rows.push([new Date(p.t).toISOString(), p.mean, p.lo80, p.hi80, p.lo95, p.hi95].map((v) => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v)).join(','));
  return rows.join('\n');
}

