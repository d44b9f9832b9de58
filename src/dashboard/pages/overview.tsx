import { api } from '../api.ts';
import { overviewCalls } from '../overview-calls.ts';
import { Chart } from '../chart.tsx';
import { Bar, Empty, ErrorBox, isMissing, Section, Tile } from '../components.tsx';
import { count, localCalendar, localDayKey, localDayStart, localZone, percent, usd, usdStringToNano } from '../format.ts';
import { forecastDays } from '../forecast-days.ts';
import { usePoll } from '../hooks.ts';
import type { Anomaly, BudgetStatus, Forecast, SpendReport, PageProps } from '../types.ts';

/** The browser's calendar at the time of a load: "today" and "this month" are the user's, in its time zone. */
type Calendar = ReturnType<typeof localCalendar> & { nowMs: number };

interface OverviewData {
  calendar: Calendar;
  /** This month by UTC hour (or UTC day, where that is the local day) and provider: one report call gives the month, today, the daily chart and the local share. */
  month: SpendReport;
  budgets: BudgetStatus[];
  localProviders: Set<string> | null;
  anomalies: Anomaly[] | Error;
}

const settle = <T,>(promise: Promise<T>): Promise<T | Error> => promise.catch((error: Error) => error);

interface Savings {
  cache: { savedUsd: string; hitRate: number } | Error;
  routing: { alwaysStrong?: { savedUsd: string } } | Error;
}

function calendarNow(): Calendar {
  const nowMs = Date.now();
  return { nowMs, ...localCalendar(nowMs) };
}

/**
 * What the overview shows first, fetched in parallel from rollup-backed APIs; the insight APIs may be
 * missing (404) and are then shown as such. The month starts at the browser's local midnight: on a
 * whole-hour time zone that is an hour boundary, so the rollups answer (a half-hour zone reads raw rows).
 */
async function loadOverview(): Promise<OverviewData> {
  const calendar = calendarNow();
  // Where local days are UTC days (a browser in UTC), the month by day reads the gateway's daily rollup; elsewhere
  // local days cut UTC days, so the month comes by hour and is summed into local days here.
  const calls = overviewCalls(calendar.nowMs);
  const [month, budgets, catalogue, anomalies] = await Promise.all([
    api<SpendReport>(calls.report),
    api<{ data: BudgetStatus[] }>(calls.budgets),
    settle(api<{ data: { local: boolean; target: { providerId: string } }[] }>(calls.catalogue)),
    settle(api<{ data: Anomaly[] }>(calls.anomalies).then((a) => a.data)),
  ]);
  const localProviders = catalogue instanceof Error ? null : new Set(catalogue.data.filter((e) => e.local).map((e) => e.target.providerId));
  return { calendar, month, budgets: budgets.data, localProviders, anomalies };
}

/** The forecast to the local month's end: kept by the gateway per closed hour (a fixed `until` keeps its key all month). */
function loadForecast(): Promise<Forecast | Error> {
  return settle(api<Forecast>(overviewCalls(Date.now()).forecast));
}

/** Cache and routing savings this month, from the rollups; loaded on their own so no other tile waits for them. */
async function loadSavings(): Promise<Savings> {
  const calls = overviewCalls(Date.now());
  const [cache, routing] = await Promise.all([settle(api<Savings['cache'] & object>(calls.cacheStats)), settle(api<{ alwaysStrong?: { savedUsd: string } }>(calls.routing))]);
  return { cache, routing };
}

/** The overview's calls started before the page is shown (see `prefetchOverview`), each taken once. */
let prefetched: { atMs: number; overview?: Promise<OverviewData>; forecast?: Promise<Forecast | Error>; savings?: Promise<Savings> } | undefined;
/** How long a prefetched answer may wait for the page before it is fetched again instead. */
const PREFETCH_FRESH_MS = 10_000;

/**
 * Starts the overview's calls at once, alongside the session check (`/api/whoami`), instead of after it: the app
 * calls this on start when the overview is the page to show and a session key is kept. A call that fails (the
 * key is refused, say) is simply made again by the page.
 */
export function prefetchOverview(): void {
  prefetched = { atMs: Date.now(), overview: loadOverview(), forecast: loadForecast(), savings: loadSavings() };
  for (const promise of [prefetched.overview, prefetched.savings]) promise?.catch(() => undefined);
}

/** `load`, answered by the prefetched call the first time when there is a fresh one. */
function prefetchedOr<K extends 'overview' | 'forecast' | 'savings', T>(name: K, load: () => Promise<T>): () => Promise<T> {
  return () => {
    const kept = prefetched && Date.now() - prefetched.atMs < PREFETCH_FRESH_MS ? (prefetched[name] as Promise<T> | undefined) : undefined;
    if (prefetched) prefetched[name] = undefined;
    return kept ? kept.catch(() => load()) : load();
  };
}
const loadOverviewOnce = prefetchedOr('overview', loadOverview);
const loadForecastOnce = prefetchedOr('forecast', loadForecast);
const loadSavingsOnce = prefetchedOr('savings', loadSavings);

export function OverviewPage(_props: PageProps) {
  const state = usePoll(loadOverviewOnce, []);
  // Each loads alongside the rest and fills its tiles when it lands (progressive: the others never wait for it).
  const forecastState = usePoll(loadForecastOnce, []);
  const savings = usePoll(loadSavingsOnce, []).data;
  const { data, error } = state;
  if (!data) return error ? <ErrorBox error={error} what="the overview" /> : <p class="muted" aria-busy="true">Loading the overview…</p>;
  const { month, budgets, calendar } = data;
  const { nowMs, dayStartMs, monthStartMs, monthEndMs } = calendar;
  const costByDay = new Map<string, number>();
  const requestsByProvider = new Map<string, number>();
  let todayNano = 0;
  for (const row of month.rows) {
    // The row's hour, or its UTC day's start (a 'day' report, when local days are UTC days).
    const hourMs = Date.parse(String(row.keys.hour ?? row.keys.day));
    const day = localDayKey(hourMs);
    costByDay.set(day, (costByDay.get(day) ?? 0) + row.costNanoUsd);
    if (hourMs >= dayStartMs) todayNano += row.costNanoUsd;
    const provider = row.keys.provider;
    if (provider) requestsByProvider.set(provider, (requestsByProvider.get(provider) ?? 0) + row.requests);
  }
  const monthNano = month.totals.costNanoUsd;
  const daysElapsed = Math.max(1 / 24, (nowMs - monthStartMs) / 86_400_000);
  const burnPerDay = Math.round(monthNano / daysElapsed);
  const cacheSaved = !savings || savings.cache instanceof Error ? null : usdStringToNano(savings.cache.savedUsd);
  const routingSaved = !savings || savings.routing instanceof Error ? null : usdStringToNano(savings.routing.alwaysStrong?.savedUsd);
  const totalRequests = month.totals.requests;
  const localRequests = data.localProviders ? [...requestsByProvider].filter(([provider]) => data.localProviders!.has(provider)).reduce((sum, [, requests]) => sum + requests, 0) : 0;
  const unpriced = month.totals.unpriced;
  const days = calendar.days;
  const zone = localZone();
  const forecast = forecastState.data;
  // Every tile has its final number (the benchmark's "fully rendered").
  const complete = forecast !== undefined && savings !== undefined;
  // The rest of the month as a band on the daily chart: today is what is spent plus the forecast of its remaining hours.
  const ahead = forecast && !(forecast instanceof Error) && forecast.model !== 'none' ? forecastDays({ history: [], points: forecast.points }, 80, localDayStart) : undefined;
  const aheadAt = new Map(ahead?.xs.map((ms, i) => [ms, i]));
  const bandOf = (pick: 'lo' | 'hi' | 'mean') => days.map((d) => (aheadAt.has(d.ms) ? ahead![pick][aheadAt.get(d.ms)!]! + (d.ms === dayStartMs ? todayNano : 0) : null));
  const band = ahead ? { label: 'forecast', lo: bandOf('lo'), hi: bandOf('hi'), mean: bandOf('mean') } : undefined;

  if (month.totals.requests === 0 && budgets.length === 0) {
    return (
      <div data-loaded="true" data-complete="true">
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

  return (
    <div data-loaded="true" data-complete={complete ? 'true' : undefined}>
      {unpriced > 0 && (
        <div class="warning" role="status" data-testid="unpriced">
          {count(unpriced)} request{unpriced === 1 ? '' : 's'} this month had no price: their cost is not in these totals. Add the model to the price book (<code>prices:</code> in the config).
        </div>
      )}
      <div class="tiles">
        <Tile label="Spend today" value={usd(todayNano)} raw={todayNano} testid="spend-today" hint={zone} />
        <Tile label="Spend this month" value={usd(monthNano)} raw={monthNano} testid="spend-month" hint={`${count(month.totals.requests)} requests`} />
        <Tile label="Burn rate" value={`${usd(burnPerDay)}/day`} raw={burnPerDay} testid="burn-rate" hint="month to date" />
        <Tile
          label="Forecast to month end"
          testid="forecast-month"
          value={forecast === undefined ? '–' : forecast instanceof Error ? (isMissing(forecast) ? 'not available yet' : 'unavailable') : usd(monthNano + forecast.total.mean)}
          raw={forecast === undefined || forecast instanceof Error ? undefined : monthNano + forecast.total.mean}
          hint={forecast === undefined ? 'fitting…' : forecast instanceof Error ? (isMissing(forecast) ? 'this gateway has no forecast API' : forecast.message) : forecast.model === 'none' ? forecast.reason : `80%: ${usd(monthNano + forecast.total.lo80)} – ${usd(monthNano + forecast.total.hi80)}`}
        />
        <Tile label="Saved by caching" value={cacheSaved === null ? '–' : usd(cacheSaved)} raw={cacheSaved ?? undefined} testid="saved-cache" tone="good" hint={!savings ? 'loading…' : savings.cache instanceof Error ? savings.cache.message : `this month, hit rate ${percent(savings.cache.hitRate * 100)}`} />
        <Tile label="Saved by routing" value={routingSaved === null ? '–' : usd(routingSaved)} raw={routingSaved ?? undefined} testid="saved-routing" tone="good" hint={!savings ? 'loading…' : savings.routing instanceof Error ? savings.routing.message : 'this month, vs always the strongest model'} />
        <Tile label="Local share" value={totalRequests ? percent((localRequests / totalRequests) * 100) : '–'} testid="local-share" hint="requests served by local models" />
        <Tile
          label="Saved in all"
          value={cacheSaved === null || routingSaved === null ? '–' : usd(cacheSaved + routingSaved)}
          raw={cacheSaved === null || routingSaved === null ? undefined : cacheSaved + routingSaved}
          testid="saved-total"
          tone="good"
          hint="caching and routing, this month"
        />
      </div>

      <Section title="Daily spend this month, and the forecast">
        {month.rows.length ? (
          <Chart
            title="Daily spend this month in US dollars, with the forecast to the month's end and its 80% range"
            xs={days.map((d) => d.ms)}
            series={[{ label: 'Spend', values: days.map((d) => costByDay.get(d.key) ?? 0) }]}
            band={band}
            format={usd}
            stacked
            height={220}
          />
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
        Month: {localDayKey(monthStartMs)} to {localDayKey(monthEndMs - 1)} ({zone}).
      </p>
    </div>
  );
}
