import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { Bar, Empty, ErrorBox, Loading, Section } from '../components.tsx';
import { dateTime, percent, usd, usdStringToNano } from '../format.ts';
import { usePoll } from '../hooks.ts';
import type { Alert, BudgetDefinition, BudgetStatus, PageProps } from '../types.ts';

interface BudgetsData {
  budgets: { status: BudgetStatus; budget: BudgetDefinition | null }[];
  alerts: Alert[];
}

async function loadBudgets(): Promise<BudgetsData> {
  const [list, alerts] = await Promise.all([api<{ data: BudgetStatus[] }>('/api/budgets'), api<{ data: Alert[] }>('/api/alerts')]);
  // The definitions carry the thresholds; a budget deleted meanwhile just shows without them.
  const budgets = await Promise.all(
    list.data.map((status) =>
      api<{ budget: BudgetDefinition }>(`/api/budgets/${encodeURIComponent(status.id)}`).then(
        (answer) => ({ status, budget: answer.budget }),
        () => ({ status, budget: null }),
      ),
    ),
  );
  return { budgets, alerts: alerts.data };
}

export function BudgetsPage({ canWrite }: PageProps) {
  const state = usePoll(loadBudgets, []);
  const [editing, setEditing] = useState<BudgetDefinition | 'new' | null>(null);
  const [actionError, setActionError] = useState<Error | undefined>();

  const remove = async (id: string) => {
    if (!confirm(`Delete budget ${id}? Its alerts stay in the history.`)) return;
    setActionError(undefined);
    try {
      await api(`/api/budgets/${encodeURIComponent(id)}`, { method: 'DELETE' });
      state.reload();
    } catch (error) {
      setActionError(error as Error);
    }
  };

  return (
    <div data-loaded={state.data || state.error ? 'true' : undefined}>
      {canWrite && editing === null && (
        <p>
          <button type="button" class="primary" onClick={() => setEditing('new')} data-testid="new-budget">
            New budget
          </button>
        </p>
      )}
      {canWrite && editing !== null && (
        <BudgetForm
          initial={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            state.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <ErrorBox error={actionError} what="that change" />
      <Loading state={state} what="budgets">
        {(data) => (
          <>
            <Section title="Budgets in force">
              {data.budgets.length === 0 ? (
                <Empty title="No budgets yet">
                  {canWrite ? 'Create one with “New budget”: a monthly limit for the whole gateway is a good start.' : 'An admin can create budgets; this key is read-only.'}
                </Empty>
              ) : (
                <ul class="budget-list">
                  {data.budgets.map(({ status, budget }) => (
                    <li key={status.id} data-testid={`budget-${status.id}`}>
                      <div class="row-between">
                        <div>
                          <strong>{status.id}</strong>{' '}
                          <span class="muted">
                            {status.scope}
                            {status.value ? ` ${status.value}` : ''} · {status.period} · {status.source}
                          </span>
                        </div>
                        <span class={`state ${status.exhausted ? 'bad' : status.percent >= 80 ? 'warn' : 'good'}`}>{status.exhausted ? 'exhausted' : status.percent >= 80 ? 'near limit' : 'ok'}</span>
                      </div>
                      <Bar percent={status.percent} thresholds={budget?.thresholds.map((t) => t.percent)} label={`${status.id}: ${percent(status.percent, 0)} of the limit used`} />
                      <div class="row-between small">
                        <span>
                          <span data-testid="budget-used">
                            {usd(usdStringToNano(status.usedUsd))} of {usd(usdStringToNano(status.limitUsd))} ({percent(status.percent)})
                          </span>
                          {status.reservedNanoUsd !== undefined && (
                            <span class="muted" data-testid="budget-reserved" data-value={status.reservedNanoUsd ?? undefined}>
                              {' '}
                              · in flight {status.reservedNanoUsd === null ? 'unknown' : usd(status.reservedNanoUsd)}
                            </span>
                          )}
                        </span>
                        <span class="muted">
                          burn {usd(usdStringToNano(status.burnRatePerHourUsd))}/h · projected {usd(usdStringToNano(status.projectedUsd))}
                          {status.exhaustionAt ? ` · runs out ${status.exhaustionAt.slice(0, 16).replace('T', ' ')}` : ''}
                        </span>
                      </div>
                      {budget && (
                        <div class="muted small">
                          Thresholds: {budget.thresholds.map((t) => `${t.percent}% ${t.action}`).join(', ')} · window {status.windowStart.slice(0, 16).replace('T', ' ')} → {status.windowEnd.slice(0, 16).replace('T', ' ')}
                        </div>
                      )}
                      {canWrite && budget && (
                        <div class="actions">
                          <button type="button" onClick={() => setEditing(budget)}>
                            Edit
                          </button>
                          <button type="button" class="danger" onClick={() => remove(status.id)}>
                            Delete
                          </button>
                        </div>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              <p class="muted small">“In flight”: the worst-case cost reserved by requests still running, counted in “used” until each ends and is settled at its actual cost.</p>
            </Section>
            <Section title="Alerts fired">
              {data.alerts.length === 0 ? (
                <Empty title="No alerts yet">Alerts appear here when a budget crosses a threshold or its burn rate would exhaust it early.</Empty>
              ) : (
                <div class="table-wrap" tabIndex={0}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col">Budget</th>
                        <th scope="col">Kind</th>
                        <th scope="col" class="num">Spent</th>
                        <th scope="col">Message</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.alerts.slice(0, 100).map((alert) => (
                        <tr key={alert.id}>
                          <td>{dateTime(alert.timeMs)}</td>
                          <td>{alert.budgetId}</td>
                          <td>{alert.kind}</td>
                          <td class="num">
                            {usd(alert.spentNano)} / {usd(alert.limitNano)}
                          </td>
                          <td>{alert.message}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Section>
          </>
        )}
      </Loading>
    </div>
  );
}

const SCOPES = ['global', 'org', 'project', 'user', 'key', 'tag', 'model', 'provider'];
const PERIODS = ['daily', 'weekly', 'monthly', 'rolling'];

/** Create (POST) or edit (PATCH) a budget; the API validates and its message is shown next to the form. */
function BudgetForm(props: { initial: BudgetDefinition | null; onDone: () => void; onCancel: () => void }) {
  const initial = props.initial;
  const [fields, setFields] = useState({
    id: initial?.id ?? '',
    scope: initial?.scope ?? 'global',
    value: initial?.value ?? '',
    org: initial?.org ?? '',
    period: initial?.period ?? 'monthly',
    rollingHours: initial?.rollingHours ? String(initial.rollingHours) : '',
    limitUsd: initial ? String(initial.limitUsd) : '',
    thresholds: initial ? initial.thresholds.map((t) => `${t.percent}:${t.action}`).join(', ') : '50:alert, 80:alert, 95:alert, 100:block',
  });
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof fields) => (e: Event) => setFields({ ...fields, [name]: (e.target as HTMLInputElement).value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { scope: fields.scope, period: fields.period };
    // Sent as typed: the API, not the page, decides what is valid (a negative limit gets its message).
    body.limitUsd = fields.limitUsd.trim() === '' ? null : Number(fields.limitUsd);
    if (fields.value.trim()) body.value = fields.value.trim();
    else if (initial) body.value = null;
    if (fields.org.trim()) body.org = fields.org.trim();
    else if (initial) body.org = null;
    if (fields.period === 'rolling') body.rollingHours = Number(fields.rollingHours);
    else if (initial) body.rollingHours = null;
    body.thresholds = fields.thresholds
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [pct, action] = part.split(':');
        return { percent: Number(pct), action: (action ?? 'alert').trim() };
      });
    try {
      if (initial) await api(`/api/budgets/${encodeURIComponent(initial.id)}`, { method: 'PATCH', body });
      else await api('/api/budgets', { method: 'POST', body: { id: fields.id.trim(), ...body, limitUsd: body.limitUsd ?? undefined } });
      props.onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form" onSubmit={submit} aria-labelledby="budget-form-title" data-testid="budget-form">
      <h2 id="budget-form-title">{initial ? `Edit budget ${initial.id}` : 'New budget'}</h2>
      <div class="grid-form">
        <label>
          <span>Id</span>
          <input name="id" value={fields.id} onInput={set('id')} disabled={!!initial} required placeholder="monthly-total" />
        </label>
        <label>
          <span>Scope</span>
          <select name="scope" value={fields.scope} onChange={set('scope')}>
            {SCOPES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          <span>Value (project, user, model…; empty for global)</span>
          <input name="value" value={fields.value} onInput={set('value')} placeholder="acme/web" />
        </label>
        <label>
          <span>Org (for project, user and tag budgets)</span>
          <input name="org" value={fields.org} onInput={set('org')} />
        </label>
        <label>
          <span>Period</span>
          <select name="period" value={fields.period} onChange={set('period')}>
            {PERIODS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        {fields.period === 'rolling' && (
          <label>
            <span>Rolling hours</span>
            <input name="rollingHours" type="number" value={fields.rollingHours} onInput={set('rollingHours')} />
          </label>
        )}
        <label>
          <span>Limit (USD)</span>
          <input name="limitUsd" type="number" step="any" value={fields.limitUsd} onInput={set('limitUsd')} required />
        </label>
        <label class="wide">
          <span>Thresholds (percent:action, comma separated; actions alert, downgrade, block)</span>
          <input name="thresholds" value={fields.thresholds} onInput={set('thresholds')} />
        </label>
      </div>
      {error && (
        <p class="error" role="alert" data-testid="budget-form-error">
          {error.message}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {initial ? 'Save' : 'Create budget'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
