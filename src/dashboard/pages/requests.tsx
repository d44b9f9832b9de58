import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Empty, ErrorBox, RouteExplanation } from '../components.tsx';
import { count, duration, shortTime, usd } from '../format.ts';
import { setParams, usePoll } from '../hooks.ts';
import type { LedgerRow, PageProps } from '../types.ts';

const PAGE = 50;

/**
 * The request log, newest first: `q` searches the loaded page (id, model, project, user, status, route),
 * the model/project filters go to the API. Paged with the API's cursor when it gives one.
 */
export function RequestsPage({ params }: PageProps) {
  const model = params.get('model') ?? '';
  const project = params.get('project') ?? '';
  const q = (params.get('q') ?? '').toLowerCase();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const state = usePoll(() => api<{ data: LedgerRow[]; nextCursor?: string | null }>(`/api/ledger${query({ limit: PAGE, cursor, model, project })}`), [model, project, cursor]);
  const [search, setSearch] = useState(q);
  const [open, setOpen] = useState<string | null>(null);
  const set = (changes: Record<string, string>) => {
    setCursors([]);
    setParams('requests', params, changes);
  };
  // The API gives a page oldest first (its cursor walks back in time); the log shows it newest first.
  const rows = [...(state.data?.data ?? [])].reverse().filter(
    (row) => !q || [row.id, row.requestedModel, row.servedModel, row.projectId, row.userId, row.keyId, String(row.status), row.route?.summary ?? null, row.cacheStatus].some((v) => v !== null && String(v).toLowerCase().includes(q)),
  );
  const next = state.data?.nextCursor ?? null;
  return (
    <div data-loaded={state.data || state.error ? 'true' : undefined}>
      <form
        class="filters"
        role="search"
        aria-label="Search requests"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: search.trim() });
        }}
      >
        <label>
          <span>Search</span>
          <input name="q" type="search" value={search} placeholder="id, model, project, status…" onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>Model</span>
          <input name="model" value={model} onChange={(e) => set({ model: (e.target as HTMLInputElement).value.trim() })} placeholder="any" />
        </label>
        <label>
          <span>Project</span>
          <input name="project" value={project} onChange={(e) => set({ project: (e.target as HTMLInputElement).value.trim() })} placeholder="any" />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={state.error} what="the request log" />
      {state.data && rows.length === 0 ? (
        <Empty title={q || model || project ? 'No request matches' : 'No requests yet'}>{q || model || project ? 'Clear the search or filters.' : 'Requests appear here as soon as clients send them through the gateway.'}</Empty>
      ) : (
        <div class="table-wrap" tabIndex={0}>
          <table data-testid="requests-table">
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Model</th>
                <th scope="col">Project</th>
                <th scope="col" class="num">Tokens in/out</th>
                <th scope="col" class="num">Cost</th>
                <th scope="col" class="num">Latency</th>
                <th scope="col">Status</th>
                <th scope="col">Cache</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <Fragment key={row.id}>
                  <tr data-cost={row.costNanoUsd}>
                    <td>
                      <button type="button" class="link" aria-expanded={open === row.id} onClick={() => setOpen(open === row.id ? null : row.id)}>
                        {shortTime(row.timeMs)}
                      </button>
                    </td>
                    <td>{row.servedModel ?? row.requestedModel}</td>
                    <td>{row.projectId}</td>
                    <td class="num">
                      {count(row.inputTokens)} / {count(row.outputTokens)}
                    </td>
                    <td class="num">{usd(row.costNanoUsd)}</td>
                    <td class="num">{duration(row.latencyMs)}</td>
                    <td>
                      <span class={`state ${row.status < 400 ? 'good' : 'bad'}`}>{row.status}</span>
                    </td>
                    <td>{row.cacheStatus ?? '–'}</td>
                  </tr>
                  {open === row.id && (
                    <tr class="detail">
                      <td colSpan={8}>
                        <dl class="detail-list">
                          <dt>Request id</dt>
                          <dd>
                            <code>{row.id}</code>
                          </dd>
                          <dt>Asked for</dt>
                          <dd>{row.requestedModel}</dd>
                          <dt>Provider</dt>
                          <dd>{row.provider ?? '–'}</dd>
                          <dt>Org / user / key</dt>
                          <dd>
                            {row.orgId} / {row.userId ?? '–'} / {row.keyId ?? '–'}
                          </dd>
                          <dt>Route</dt>
                          <dd>
                            <RouteExplanation route={row.route} />
                          </dd>
                          {row.errorCode && (
                            <>
                              <dt>Error</dt>
                              <dd>{row.errorCode}</dd>
                            </>
                          )}
                          {row.savedNanoUsd > 0 && (
                            <>
                              <dt>Saved</dt>
                              <dd>{usd(row.savedNanoUsd)}</dd>
                            </>
                          )}
                          <dt>Prompt</dt>
                          <dd>{row.prompt ?? 'not stored (ledger.storeBodies is off)'}</dd>
                        </dl>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages of requests">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <span class="muted small">
          Page {cursors.length + 1}
          {state.data && next === null && state.data.nextCursor === undefined ? ` · latest ${PAGE} (paging needs a newer gateway)` : ''}
        </span>
        <button type="button" disabled={!next} onClick={() => next && setCursors([...cursors, next])}>
          Older →
        </button>
      </nav>
    </div>
  );
}
