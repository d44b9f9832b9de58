import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Chart } from '../chart.tsx';
import { Choice, download, Empty, ErrorBox, Section, Tile } from '../components.tsx';
import { bucketKeys, count, csv, rangeBounds, usd } from '../format.ts';
import { setParams, usePoll } from '../hooks.ts';
import type { SpendReport, SpendRow, PageProps } from '../types.ts';

const DIMENSIONS = ['project', 'model', 'provider', 'user', 'key', 'org', 'tag'] as const;
const RANGES = [
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'],
  ['month', 'This month'],
] as const;
const METRICS = [
  ['cost', 'Spend'],
  ['tokens', 'Tokens'],
  ['requests', 'Requests'],
] as const;
const BUCKETS = [
  ['hour', 'hour'],
  ['day', 'day'],
] as const;
const FILTERS = ['project', 'model', 'provider', 'user', 'key', 'org'] as const;
/** Series drawn separately; the rest are summed into "other" so the chart stays readable. */
const TOP = 8;

const metricOf = (metric: string) => (row: SpendRow) => (metric === 'tokens' ? row.inputTokens + row.outputTokens : metric === 'requests' ? row.requests : row.costNanoUsd);
const formatOf = (metric: string) => (metric === 'cost' ? usd : (v: number) => count(Math.round(v)));

export function SpendPage({ params }: PageProps) {
  const by = (DIMENSIONS as readonly string[]).includes(params.get('by') ?? '') ? params.get('by')! : 'project';
  const range = params.get('range') ?? '7d';
  const metric = params.get('metric') ?? 'cost';
  const bucket = params.get('bucket') === 'hour' || (params.get('bucket') === null && range === '24h') ? 'hour' : 'day';
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? '']));
  const key = params.toString();
  const state = usePoll(() => {
    const { fromMs, toMs } = rangeBounds(range, Date.now());
    return api<SpendReport>(`/api/report${query({ by: `${bucket},${by}`, from: fromMs, to: toMs, ...filters })}`).then((report) => ({ report, fromMs, toMs }));
  }, [key]);
  const set = (changes: Record<string, string>) => setParams('spend', params, changes);

  const view = useMemo(() => {
    if (!state.data) return null;
    const { report, fromMs, toMs } = state.data;
    const value = metricOf(metric);
    const totals = new Map<string, SpendRow>();
    for (const row of report.rows) {
      const name = row.keys[by] ?? '(none)';
      const sum = totals.get(name) ?? { keys: { [by]: name }, requests: 0, inputTokens: 0, outputTokens: 0, costNanoUsd: 0, savedNanoUsd: 0, errors: 0, unpriced: 0, sharePercent: 0 };
      sum.requests += row.requests;
      sum.inputTokens += row.inputTokens;
      sum.outputTokens += row.outputTokens;
      sum.costNanoUsd += row.costNanoUsd;
      sum.savedNanoUsd += row.savedNanoUsd;
      sum.errors += row.errors;
      sum.unpriced += row.unpriced;
      totals.set(name, sum);
    }
    const table = [...totals.values()].sort((a, b) => value(b) - value(a));
    const grand = table.reduce((s, r) => s + value(r), 0);
    for (const row of table) row.sharePercent = grand ? (value(row) / grand) * 100 : 0;
    const top = table.slice(0, TOP).map((r) => String(r.keys[by]));
    const names = table.length > TOP ? [...top, 'other'] : top;
    const all = report.rows.length ? bucketKeys(fromMs, toMs, bucket) : [];
    const times = all.map((b) => b.key);
    const xs = all.map((b) => b.ms);
    const index = new Map(times.map((t, i) => [t, i]));
    const series = names.map((name) => ({ label: name, values: new Array<number>(times.length).fill(0) }));
    for (const row of report.rows) {
      const name = String(row.keys[by] ?? '(none)');
      const s = series[top.includes(name) ? top.indexOf(name) : names.length - 1]!;
      const at = index.get(String(row.keys[bucket]));
      if (at !== undefined) s.values[at]! += value(row);
    }
    return { table, xs, series, grand };
  }, [state.data, metric, by, bucket]);

  const exportCsv = () => {
    if (!view) return;
    const header = [by, 'requests', 'input_tokens', 'output_tokens', 'cost_usd', 'saved_usd', 'share_percent'];
    const lines = view.table.map((r) => [String(r.keys[by]), r.requests, r.inputTokens, r.outputTokens, (r.costNanoUsd / 1e9).toFixed(9), (r.savedNanoUsd / 1e9).toFixed(9), r.sharePercent.toFixed(2)]);
    download(`tollgate-spend-by-${by}-${range}.csv`, csv([header, ...lines]));
  };

  return (
    <div data-loaded={state.data || state.error ? 'true' : undefined}>
      <form class="filters" aria-label="Spend filters" onSubmit={(e) => e.preventDefault()}>
        <Choice label="Time range" name="range" value={range} options={RANGES} onChange={(v) => set({ range: v, bucket: '' })} />
        <Choice label="Stack by" name="by" value={by} options={DIMENSIONS.map((d) => [d, d] as const)} onChange={(v) => set({ by: v })} />
        <Choice label="Show" name="metric" value={metric} options={METRICS} onChange={(v) => set({ metric: v })} />
        <Choice label="Bucket" name="bucket" value={bucket} options={BUCKETS} onChange={(v) => set({ bucket: v })} />
        {FILTERS.map((f) => (
          <FilterInput key={f} name={f} value={filters[f]!} onCommit={(v) => set({ [f]: v })} />
        ))}
      </form>
      <ErrorBox error={state.error} what="the spend report" />
      {view && (
        <>
          <div class="tiles">
            <Tile label={`Total ${metric === 'cost' ? 'spend' : metric}`} value={formatOf(metric)(view.grand)} raw={view.grand} testid="spend-total" />
            <Tile label="Requests" value={count(state.data!.report.totals.requests)} raw={state.data!.report.totals.requests} testid="spend-requests" />
            <Tile label={`Distinct ${by} values`} value={String(view.table.length)} />
          </div>
          <Section title={`${METRICS.find(([m]) => m === metric)?.[1] ?? 'Spend'} by ${by}`}>
            {view.xs.length ? (
              <Chart title={`${metric} per ${bucket}, stacked by ${by}`} xs={view.xs} series={view.series} stacked format={formatOf(metric)} />
            ) : (
              <Empty title="No usage in this range">Widen the time range or clear the filters.</Empty>
            )}
          </Section>
          <Section
            title="Breakdown"
            actions={
              <button type="button" onClick={exportCsv} disabled={!view.table.length}>
                Export CSV
              </button>
            }
          >
            <div class="table-wrap" tabIndex={0}>
              <table data-testid="spend-table">
                <thead>
                  <tr>
                    <th scope="col">{by}</th>
                    <th scope="col" class="num">Requests</th>
                    <th scope="col" class="num">Input tokens</th>
                    <th scope="col" class="num">Output tokens</th>
                    <th scope="col" class="num">Cost</th>
                    <th scope="col" class="num">Share</th>
                  </tr>
                </thead>
                <tbody>
                  {view.table.map((row) => (
                    <tr key={String(row.keys[by])} data-cost={row.costNanoUsd}>
                      <th scope="row">{String(row.keys[by])}</th>
                      <td class="num">{count(row.requests)}</td>
                      <td class="num">{count(row.inputTokens)}</td>
                      <td class="num">{count(row.outputTokens)}</td>
                      <td class="num">{usd(row.costNanoUsd)}</td>
                      <td class="num">{row.sharePercent.toFixed(1)}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Section>
        </>
      )}
    </div>
  );
}

/** A text filter applied on Enter or when the field loses focus (not on every keystroke). */
function FilterInput(props: { name: string; value: string; onCommit: (value: string) => void }) {
  const [text, setText] = useState(props.value);
  // A new URL (back button, a shared link) replaces what is in the field.
  useEffect(() => setText(props.value), [props.value]);
  const commit = () => text.trim() !== props.value && props.onCommit(text.trim());
  return (
    <label>
      <span>{props.name}</span>
      <input
        name={props.name}
        value={text}
        placeholder="any"
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}
