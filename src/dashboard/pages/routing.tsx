import { api } from '../api.ts';
import { Empty, ErrorBox, RouteExplanation, Section, Tile } from '../components.tsx';
import { count, dateTime, percent, usd, usdStringToNano } from '../format.ts';
import { usePoll } from '../hooks.ts';
import type { LedgerRow, PageProps } from '../types.ts';

interface RoutingReport {
  routedRequests: number;
  share: { target: string; requests: number; sharePercent: number; costUsd: string }[];
  fallbacksFired: number;
  costUsd: string;
  alwaysStrong?: { target: string; costUsd: string; savedUsd: string; savedPercent: number };
  /** Present on gateways with a learned route. */
  learned?: { requests: number; sharePercent: number; targets: { target: string; requests: number; sharePercent: number }[] };
}
interface CacheStats {
  enabled: boolean;
  requests: number;
  exactHits: number;
  semanticHits: number;
  hitRate: number;
  savedUsd: string;
  savedUsdExact: string;
  savedUsdSemantic: string;
  markedWrong: number;
  semantic?: { hitRate: number; entries: number; threshold: number };
  store?: { kind: string; entries: number };
}
interface Breaker {
  target: string;
  state: string;
  failures: number;
  reopensAtMs: number | null;
}
interface Experiment {
  name: string;
  requests: number;
  arms: Record<string, number>;
}
interface ExperimentReport {
  experiment: string;
  arms: { arm: string; requests: number; errorRate: number; costUsd: { mean: string; low: string; high: string }; quality: { mean: number; low: number; high: number } | null }[];
  difference: { costUsd: { mean: string; low: string; high: string }; quality: { mean: number; low: number; high: number } | null } | null;
}

const settle = <T,>(promise: Promise<T>): Promise<T | Error> => promise.catch((error: Error) => error);

async function loadRouting() {
  const [routing, cache, breakers, experiments, recent] = await Promise.all([
    settle(api<RoutingReport>('/api/routing/analytics')),
    settle(api<CacheStats>('/api/cache/stats')),
    settle(api<{ data: Breaker[] }>('/api/routing/breakers').then((b) => b.data)),
    settle(
      api<{ data: Experiment[] }>('/api/experiments').then((e) =>
        Promise.all(e.data.map((x) => api<ExperimentReport>(`/api/experiments/${encodeURIComponent(x.name)}`))),
      ),
    ),
    settle(api<{ data: LedgerRow[] }>('/api/ledger?limit=200').then((l) => l.data.filter((row) => row.route !== null).slice(-20).reverse())),
  ]);
  return { routing, cache, breakers, experiments, recent };
}

export function RoutingPage(_props: PageProps) {
  const state = usePoll(loadRouting, []);
  const data = state.data;
  return (
    <div data-loaded={data || state.error ? 'true' : undefined}>
      <ErrorBox error={state.error} />
      {data && (
        <>
          <Section title="Cache">
            {data.cache instanceof Error ? (
              <ErrorBox error={data.cache} what="cache statistics" />
            ) : !data.cache.enabled ? (
              <Empty title="The response cache is off">Turn it on with <code>cache: {'{ enabled: true }'}</code> in the config to answer repeated prompts for free.</Empty>
            ) : (
              <div class="tiles">
                <Tile label="Hit rate" value={percent(data.cache.hitRate * 100)} raw={data.cache.hitRate} testid="cache-hit-rate" hint={`${count(data.cache.requests)} cacheable requests`} />
                <Tile label="Exact hits" value={count(data.cache.exactHits)} raw={data.cache.exactHits} testid="cache-exact" />
                <Tile label="Semantic hits" value={count(data.cache.semanticHits)} raw={data.cache.semanticHits} testid="cache-semantic" hint={data.cache.semantic ? `semantic hit rate ${percent(data.cache.semantic.hitRate * 100)}` : undefined} />
                <Tile label="Saved" value={usd(usdStringToNano(data.cache.savedUsd))} testid="cache-saved" tone="good" hint={`exact $${data.cache.savedUsdExact} · semantic $${data.cache.savedUsdSemantic}`} />
                <Tile label="Answers marked wrong" value={count(data.cache.markedWrong)} raw={data.cache.markedWrong} tone={data.cache.markedWrong > 0 ? 'warn' : undefined} />
              </div>
            )}
          </Section>
          <Section title="Routing">
            {data.routing instanceof Error ? (
              <ErrorBox error={data.routing} what="routing analytics" />
            ) : (
              <>
                <div class="tiles">
                  <Tile label="Routed requests" value={count(data.routing.routedRequests)} raw={data.routing.routedRequests} testid="routed-requests" />
                  <Tile label="Fallbacks fired" value={count(data.routing.fallbacksFired)} raw={data.routing.fallbacksFired} testid="fallbacks-fired" tone={data.routing.fallbacksFired ? 'warn' : undefined} />
                  <Tile label="Routed spend" value={`$${data.routing.costUsd}`} raw={usdStringToNano(data.routing.costUsd)} testid="routed-spend" />
                  {data.routing.learned && (
                    <Tile
                      label="Learned router"
                      value={percent(data.routing.learned.sharePercent)}
                      raw={data.routing.learned.requests}
                      testid="learned-share"
                      hint={`${count(data.routing.learned.requests)} of the routed requests${data.routing.learned.targets.length ? `: ${data.routing.learned.targets.map((t) => `${percent(t.sharePercent, 0)} ${t.target}`).join(', ')}` : ''}`}
                    />
                  )}
                  {data.routing.alwaysStrong && <Tile label={`Saved vs always ${data.routing.alwaysStrong.target}`} value={`$${data.routing.alwaysStrong.savedUsd}`} hint={percent(data.routing.alwaysStrong.savedPercent)} tone="good" />}
                </div>
                {data.routing.share.length === 0 ? (
                  <Empty title="No routed requests yet">Send requests to a route alias (a model name with a routing strategy in the config) to see where they go.</Empty>
                ) : (
                  <div class="table-wrap" tabIndex={0}>
                    <table>
                      <caption>Share of routed requests and spend per model</caption>
                      <thead>
                        <tr>
                          <th scope="col">Target</th>
                          <th scope="col" class="num">Requests</th>
                          <th scope="col" class="num">Share</th>
                          <th scope="col" class="num">Spend</th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.routing.share.map((s) => (
                          <tr key={s.target}>
                            <td>{s.target}</td>
                            <td class="num">{count(s.requests)}</td>
                            <td class="num">{percent(s.sharePercent)}</td>
                            <td class="num">${s.costUsd}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </>
            )}
          </Section>
          <div class="two">
            <Section title="Circuit breakers">
              {data.breakers instanceof Error ? (
                <ErrorBox error={data.breakers} what="breakers" />
              ) : (
                <ul class="plain">
                  {data.breakers.map((b) => (
                    <li key={b.target}>
                      <span class={`state ${b.state === 'closed' ? 'good' : b.state === 'open' ? 'bad' : 'warn'}`}>{b.state}</span> {b.target}
                      {b.failures ? <span class="muted"> · {b.failures} failures</span> : null}
                      {b.reopensAtMs ? <span class="muted"> · retries {dateTime(b.reopensAtMs)}</span> : null}
                    </li>
                  ))}
                </ul>
              )}
            </Section>
            <Section title="Experiments">
              {data.experiments instanceof Error ? (
                <ErrorBox error={data.experiments} what="experiments" />
              ) : data.experiments.length === 0 ? (
                <Empty title="No experiments">Define one under <code>experiments:</code> in the config to compare a cheaper model against the current one with confidence intervals.</Empty>
              ) : (
                data.experiments.map((x) => (
                  <div key={x.experiment} class="table-wrap" tabIndex={0}>
                    <table>
                      <caption>
                        {x.experiment}
                        {x.difference ? ` · cost difference ${x.difference.costUsd.mean} (95% ${x.difference.costUsd.low} to ${x.difference.costUsd.high}) USD/request` : ''}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Arm</th>
                          <th scope="col" class="num">Requests</th>
                          <th scope="col" class="num">Cost/request (95%)</th>
                          <th scope="col" class="num">Quality (95%)</th>
                        </tr>
                      </thead>
                      <tbody>
                        {x.arms.map((arm) => (
                          <tr key={arm.arm}>
                            <td>{arm.arm}</td>
                            <td class="num">{count(arm.requests)}</td>
                            <td class="num">
                              ${arm.costUsd.mean} ({arm.costUsd.low}–{arm.costUsd.high})
                            </td>
                            <td class="num">{arm.quality ? `${arm.quality.mean.toFixed(2)} (${arm.quality.low.toFixed(2)}–${arm.quality.high.toFixed(2)})` : '–'}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ))
              )}
            </Section>
          </div>
          <Section title="Route explanations of recent requests">
            {data.recent instanceof Error ? (
              <ErrorBox error={data.recent} what="recent requests" />
            ) : data.recent.length === 0 ? (
              <Empty title="No routed requests among the latest 200" />
            ) : (
              <ul class="plain">
                {data.recent.map((row) => (
                  <li key={row.id}>
                    <span class="muted">{dateTime(row.timeMs)}</span> {row.requestedModel} → {row.servedModel ?? '–'}: <RouteExplanation route={row.route} brief />
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
