import { api, query } from '../api.ts';
import { Chart } from '../chart.tsx';
import { Bar, Empty, ErrorBox, isMissing, Section, Tile } from '../components.tsx';
import { bucketKeys, count, percent, usd, usdStringToNano } from '../format.ts';
import { usePoll } from '../hooks.ts';
import type { Anomaly, BudgetStatus, Forecast, SpendReport, PageProps } from '../types.ts';

interface OverviewData {
  nowMs: number;
  monthStartMs: number;
  monthEndMs: number;
  daily: SpendReport;
  byProvider: SpendReport;
  budgets: BudgetStatus[];
  localProviders: Set<string> | null;
  forecast: Forecast | Error;
  anomalies: Anomaly[] | Error;
}

const settle = <T,>(promise: Promise<T>): Promise<T | Error> => promise.catch((error: Error) => error);

interface Savings {
  cache: { savedUsd: string; hitRate: number } | Error;
  routing: { alwaysStrong?: { savedUsd: string } } | Error;
}

/**
 * Cache and routing savings come from APIs that read raw ledger rows (slow on a big ledger): they are
 * loaded on their own, so the rest of the overview never waits for them.
 */
async function loadSavings(): Promise<Savings> {
  const [cache, routing] = await Promise.all([settle(api<Savings['cache'] & object>('/api/cache/stats')), settle(api<{ alwaysStrong?: { savedUsd: string } }>('/api/routing/analytics'))]);
  return { cache, routing };
}

/** What the overview shows first, fetched in parallel from rollup-backed APIs; the insight APIs may be missing (404) and are then shown as such. */
async function loadOverview(): Promise<OverviewData> {
  const nowMs = Date.now();
  const now = new Date(nowMs);
  const monthStartMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const monthEndMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const hoursLeft = Math.max(1, Math.ceil((monthEndMs - nowMs) / 3_600_000));
  const [daily, byProvider, budgets, catalogue, forecast, anomalies] = await Promise.all([
    api<SpendReport>(`/api/report${query({ by: 'day', from: monthStartMs })}`),
    api<SpendReport>(`/api/report${query({ by: 'provider', from: monthStartMs })}`),
    api<{ data: BudgetStatus[] }>('/api/budgets'),
    settle(api<{ data: { local: boolean; target: { providerId: string } }[] }>('/api/routing/catalogue')),
    settle(api<Forecast>(`/api/cost/forecast${query({ horizon: `${hoursLeft}h`, metric: 'cost' })}`)),
    settle(api<{ data: Anomaly[] }>('/api/cost/anomalies?status=open').then((a) => a.data)),
  ]);
  const localProviders = catalogue instanceof Error ? null : new Set(catalogue.data.filter((e) => e.local).map((e) => e.target.providerId));
  return { nowMs, monthStartMs, monthEndMs, daily, byProvider, budgets: budgets.data, localProviders, forecast, anomalies };
}

export function OverviewPage(_props: PageProps) {
  const state = usePoll(loadOverview, []);
  const { data, error } = state;
  // Asked for only once the overview is on screen: on a big ledger these scans would otherwise hold up the rest.
  const savings = usePoll(() => (data ? loadSavings() : Promise.resolve(undefined)), [data !== undefined]).data;
  if (!data) return error ? <ErrorBox error={error} what="the overview" /> : <p class="muted" aria-busy="true">Loading the overview…</p>;
  const { daily, budgets, nowMs, monthStartMs, monthEndMs } = data;
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const todayRow = daily.rows.find((row) => row.keys.day === today);
  const monthNano = daily.totals.costNanoUsd;
  const todayNano = todayRow?.costNanoUsd ?? 0;
  const daysElapsed = Math.max(1 / 24, (nowMs - monthStartMs) / 86_400_000);
  const burnPerDay = Math.round(monthNano / daysElapsed);
  const savedLedger = daily.rows.reduce((sum, row) => sum + row.savedNanoUsd, 0);
  const cacheSaved = !savings || savings.cache instanceof Error ? null : usdStringToNano(savings.cache.savedUsd);
  const routingSaved = !savings || savings.routing instanceof Error ? null : usdStringToNano(savings.routing.alwaysStrong?.savedUsd);
  const totalRequests = data.byProvider.totals.requests;
  const localRequests = data.localProviders ? data.byProvider.rows.filter((row) => row.keys.provider && data.localProviders!.has(row.keys.provider)).reduce((s, r) => s + r.requests, 0) : 0;
  const unpriced = daily.totals.unpriced;
  const days = bucketKeys(monthStartMs, monthEndMs - 1, 'day');
  const costByDay = new Map(daily.rows.map((row) => [String(row.keys.day), row.costNanoUsd]));

  if (daily.totals.requests === 0 && budgets.length === 0) {
    return (
      <div data-loaded="true">
        <Empty title="No traffic yet">
          <p>Point an OpenAI or Anthropic client at this gateway and send a first request, for example:</p>
          <pre>
            <code>{`curl ${location.origin}/v1/chat/completions -H 'content-type: application/json' \\\n  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'`}</code>
          </pre>
          <p>
            Or bring past usage in with <code>tollgate import &lt;file&gt;</code>, then set a limit on the <a href="#/budgets">Budgets</a> page.
          </p>
        </Empty>
      </div>
    );
  }

  const forecast = data.forecast;
  return (
    <div data-loaded="true">
      {unpriced > 0 && (
        <div class="warning" role="status" data-testid="unpriced">
          {count(unpriced)} request{unpriced === 1 ? '' : 's'} this month had no price: their cost is not in these totals. Add the model to the price book (<code>prices:</code> in the config).
        </div>
      )}
      <div class="tiles">
        <Tile label="Spend today (UTC)" value={usd(todayNano)} raw={todayNano} testid="spend-today" />
        <Tile label="Spend this month" value={usd(monthNano)} raw={monthNano} testid="spend-month" hint={`${count(daily.totals.requests)} requests`} />
        <Tile label="Burn rate" value={`${usd(burnPerDay)}/day`} raw={burnPerDay} testid="burn-rate" hint="month to date" />
        <Tile
          label="Forecast to month end"
          testid="forecast-month"
          value={forecast instanceof Error ? (isMissing(forecast) ? 'not available yet' : 'unavailable') : usd(monthNano + forecast.total.mean)}
          raw={forecast instanceof Error ? undefined : monthNano + forecast.total.mean}
          hint={forecast instanceof Error ? (isMissing(forecast) ? 'this gateway has no forecast API' : forecast.message) : forecast.model === 'none' ? forecast.reason : `80%: ${usd(monthNano + forecast.total.lo80)} – ${usd(monthNano + forecast.total.hi80)}`}
        />
        <Tile label="Saved by caching" value={cacheSaved === null ? '–' : usd(cacheSaved)} raw={cacheSaved ?? undefined} testid="saved-cache" tone="good" hint={!savings ? 'loading…' : savings.cache instanceof Error ? savings.cache.message : `hit rate ${percent(savings.cache.hitRate * 100)}`} />
        <Tile label="Saved by routing" value={routingSaved === null ? '–' : usd(routingSaved)} raw={routingSaved ?? undefined} testid="saved-routing" tone="good" hint={!savings ? 'loading…' : savings.routing instanceof Error ? savings.routing.message : 'vs always the strongest model'} />
        <Tile label="Local share" value={totalRequests ? percent((localRequests / totalRequests) * 100) : '–'} testid="local-share" hint="requests served by local models" />
        <Tile label="Saved (ledger)" value={usd(savedLedger)} raw={savedLedger} testid="saved-ledger" hint="cache and routing, this month" />
      </div>

      <Section title="Daily spend this month">
        {daily.rows.length ? (
          <Chart title="Daily spend this month, in US dollars" xs={days.map((d) => d.ms)} series={[{ label: 'Spend', values: days.map((d) => costByDay.get(d.key) ?? 0) }]} format={usd} stacked height={220} />
        ) : (
          <Empty title="No spend this month yet" />
        )}
      </Section>

      <div class="two">
        <Section title="Budgets" actions={<a href="#/budgets">Manage</a>}>
          {budgets.length === 0 ? (
            <Empty title="No budgets">
              Set a spending limit on the <a href="#/budgets">Budgets</a> page to be alerted (or to block) before a bill surprises you.
            </Empty>
          ) : (
            <ul class="budget-list">
              {budgets.map((budget) => (
                <li key={budget.id} data-testid={`overview-budget-${budget.id}`}>
                  <div class="row-between">
                    <strong>{budget.id}</strong>
                    <span>
                      {usd(usdStringToNano(budget.usedUsd))} of {usd(usdStringToNano(budget.limitUsd))} ({percent(budget.percent, 0)})
                    </span>
                  </div>
                  <Bar percent={budget.percent} label={`${budget.id}: ${percent(budget.percent, 0)} used`} />
                  <div class="muted small">
                    {budget.period} · projected {usd(usdStringToNano(budget.projectedUsd))}
                    {budget.exhaustionAt ? ` · runs out ${budget.exhaustionAt.slice(0, 16).replace('T', ' ')}` : ''}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Open anomalies" actions={<a href="#/forecast">Details</a>}>
          {data.anomalies instanceof Error ? (
            isMissing(data.anomalies) ? (
              <Empty title="Anomaly detection is not available on this gateway yet" />
            ) : (
              <ErrorBox error={data.anomalies} what="anomalies" />
            )
          ) : data.anomalies.length === 0 ? (
            <Empty title="Nothing unusual">No open anomalies: spend looks like its usual pattern.</Empty>
          ) : (
            <ul class="anomaly-list">
              {data.anomalies.slice(0, 6).map((a) => (
                <li key={a.id}>
                  <span class={`sev sev-${a.severity}`}>{a.severity}</span> {a.message} <span class="muted">({usd(a.atStakeNanoUsd)} at stake)</span>
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      <p class="muted small">
        Month: {new Date(monthStartMs).toISOString().slice(0, 10)} to {new Date(monthEndMs - 1).toISOString().slice(0, 10)} (UTC).
      </p>
    </div>
  );
}
