import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Chart } from '../chart.tsx';
import { Choice, Empty, ErrorBox, isMissing, NotYet, Section, Tile } from '../components.tsx';
import { count, dateTime, percent, usd } from '../format.ts';
import { forecastDays } from '../forecast-days.ts';
import { setParams, usePoll } from '../hooks.ts';
import type { Anomaly, Forecast, PageProps, VirtualKey } from '../types.ts';

const HORIZONS = [
  ['30d', '30 days'],
  ['60d', '60 days'],
  ['90d', '90 days'],
] as const;
const FORECAST_METRICS = [
  ['cost', 'Spend'],
  ['requests', 'Requests'],
  ['tokens', 'Tokens'],
] as const;
const STATUSES = [
  ['open', 'open'],
  ['acknowledged', 'acknowledged'],
  ['resolved', 'resolved'],
  ['all', 'all'],
] as const;

const settle = <T,>(promise: Promise<T>): Promise<T | Error> => promise.catch((error: Error) => error);

export function ForecastPage({ params, canWrite }: PageProps) {
  const horizon = params.get('horizon') ?? '30d';
  const metric = params.get('metric') ?? 'cost';
  const status = params.get('status') ?? 'open';
  // Two loads: the anomaly list never waits for a forecast fit, and acknowledging one reloads only the list.
  const forecastState = usePoll(() => settle(api<Forecast>(`/api/cost/forecast${query({ horizon, metric })}`)), [horizon, metric]);
  const listState = usePoll(async () => {
    const [anomalies, keys] = await Promise.all([
      settle(api<{ data: Anomaly[] }>(`/api/cost/anomalies${query({ status })}`).then((a) => a.data)),
      // Root causes name keys by id; the key list gives their names (when this admin may list keys).
      api<{ data: VirtualKey[] }>('/api/keys').then((k) => new Map(k.data.map((key) => [key.id, key.name])), () => new Map<string, string>()),
    ]);
    return { anomalies, keyNames: keys };
  }, [status]);
  const [open, setOpen] = useState<string | null>(null);
  const [actionError, setActionError] = useState<Error | undefined>();
  const set = (changes: Record<string, string>) => setParams('forecast', params, changes);
  const fmt = metric === 'cost' ? usd : (v: number) => count(Math.round(v));

  const act = async (id: string, action: 'acknowledge' | 'resolve') => {
    setActionError(undefined);
    try {
      await api(`/api/cost/anomalies/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
      listState.reload();
    } catch (error) {
      setActionError(error as Error);
    }
  };

  const forecast = forecastState.data;
  const list = listState.data;
  const anomalies = list && !(list.anomalies instanceof Error) ? list.anomalies : [];
  const named = (dimension: string, value: string) => (dimension === 'key' && list?.keyNames.has(value) ? `${list.keyNames.get(value)} (${value})` : value);
  const loaded = (forecast !== undefined || forecastState.error) && (list !== undefined || listState.error);
  return (
    <div data-loaded={loaded ? 'true' : undefined}>
      <form class="filters" aria-label="Forecast options" onSubmit={(e) => e.preventDefault()}>
        <Choice label="Horizon" name="horizon" value={horizon} options={HORIZONS} onChange={(v) => set({ horizon: v })} />
        <Choice label="Metric" name="metric" value={metric} options={FORECAST_METRICS} onChange={(v) => set({ metric: v })} />
        <Choice label="Anomalies" name="status" value={status} options={STATUSES} onChange={(v) => set({ status: v })} />
      </form>
      <ErrorBox error={forecastState.error ?? listState.error} what="the forecast" />
      <Section title="Forecast">
        {forecast === undefined ? (
          <p class="muted" aria-busy="true">
            Fitting the forecast…
          </p>
        ) : forecast instanceof Error ? (
          isMissing(forecast) ? <NotYet feature="Forecasting" path="/api/cost/forecast" /> : <ErrorBox error={forecast} what="the forecast" />
        ) : forecast.model === 'none' ? (
          <Empty title="Not enough history to forecast yet">{forecast.reason}</Empty>
        ) : (
          <ForecastView forecast={forecast} anomalies={anomalies} format={fmt} />
        )}
      </Section>
      {list && (
        <>
          <Section title="Anomalies">
            <ErrorBox error={actionError} what="that change" />
            {list.anomalies instanceof Error ? (
              isMissing(list.anomalies) ? <NotYet feature="Anomaly detection" path="/api/cost/anomalies" /> : <ErrorBox error={list.anomalies} what="anomalies" />
            ) : anomalies.length === 0 ? (
              <Empty title={`No ${status === 'all' ? '' : status + ' '}anomalies`}>Tollgate checks every hour as it closes; spikes, drops, new spenders and pricier models will appear here.</Empty>
            ) : (
              <ul class="anomaly-list">
                {anomalies.map((a) => (
                  <li key={a.id} data-testid={`anomaly-${a.id}`}>
                    <button type="button" class="link" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>
                      <span class={`sev sev-${a.severity}`}>{a.severity}</span> {a.kind} · {a.series.dimension}
                      {a.series.value ? ` ${named(a.series.dimension, a.series.value)}` : ''} · {dateTime(a.startMs)} · {usd(a.atStakeNanoUsd)} at stake
                    </button>
                    <span class="muted small"> {a.status}</span>
                    {open === a.id && (
                      <div class="root-cause">
                        <p>{a.message}</p>
                        <p class="small">
                          Observed {fmt(a.observed)}, expected {fmt(a.expected)}.
                        </p>
                        {a.rootCause.length > 0 && (
                          <table>
                            <caption>Root cause: what explains the change</caption>
                            <thead>
                              <tr>
                                <th scope="col">Dimension</th>
                                <th scope="col">Value</th>
                                <th scope="col" class="num">Share</th>
                                <th scope="col" class="num">Change</th>
                              </tr>
                            </thead>
                            <tbody>
                              {a.rootCause.map((cause) => (
                                <tr key={`${cause.dimension}:${cause.value}`}>
                                  <td>{cause.dimension}</td>
                                  <td>{named(cause.dimension, cause.value)}</td>
                                  <td class="num">{percent(cause.share * 100, 0)}</td>
                                  <td class="num">{usd(cause.deltaNanoUsd)}</td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        )}
                        {canWrite && a.status !== 'resolved' && (
                          <div class="actions">
                            {a.status === 'open' && (
                              <button type="button" onClick={() => act(a.id, 'acknowledge')}>
                                Acknowledge
                              </button>
                            )}
                            <button type="button" onClick={() => act(a.id, 'resolve')}>
                              Resolve
                            </button>
                          </div>
                        )}
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </>
      )}
    </div>
  );
}

function ForecastView(props: { forecast: Forecast; anomalies: Anomaly[]; format: (v: number) => string }) {
  const { forecast, format } = props;
  // Days, not hours: a month of hourly points reads as a comb (see forecast-days.ts).
  const days = forecastDays(forecast);
  const band = { label: 'forecast', lo: days.lo, hi: days.hi, mean: days.mean };
  return (
    <>
      <div class="tiles">
        <Tile label="Forecast total" value={format(forecast.total.mean)} raw={forecast.total.mean} testid="forecast-total" />
        <Tile label="80% interval" value={`${format(forecast.total.lo80)} – ${format(forecast.total.hi80)}`} />
        <Tile label="95% interval" value={`${format(forecast.total.lo95)} – ${format(forecast.total.hi95)}`} />
        <Tile label="Model" value={forecast.model} />
      </div>
      <p class="muted small" data-testid="forecast-reason">
        {forecast.reason}
      </p>
      <Chart
        title={`Daily history and forecast of ${forecast.metric} (UTC days), with the 80% range shaded and anomalies marked in red`}
        xs={days.xs}
        series={[{ label: 'history', values: days.history as number[] }]}
        band={band}
        marks={props.anomalies.map((a) => a.startMs)}
        format={format}
      />
      {forecast.budgets && forecast.budgets.length > 0 && (
        <div class="table-wrap" tabIndex={0}>
          <table>
            <caption>Budgets at the end of their period</caption>
            <thead>
              <tr>
                <th scope="col">Budget</th>
                <th scope="col" class="num">Projected</th>
                <th scope="col" class="num">80% interval</th>
                <th scope="col" class="num">Limit</th>
                <th scope="col">Runs out</th>
              </tr>
            </thead>
            <tbody>
              {forecast.budgets.map((b) => (
                <tr key={b.budgetId}>
                  <td>{b.budgetId}</td>
                  <td class="num">{usd(b.projectedNanoUsd)}</td>
                  <td class="num">
                    {usd(b.lo80NanoUsd)} – {usd(b.hi80NanoUsd)}
                  </td>
                  <td class="num">{usd(b.limitNanoUsd)}</td>
                  <td>{b.exhaustionAtMs ? dateTime(b.exhaustionAtMs) : 'not this period'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
