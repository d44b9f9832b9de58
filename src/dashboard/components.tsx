import type { ComponentChildren } from 'preact';
import { ApiError } from './api.ts';
import type { Loaded } from './hooks.ts';
import type { RouteDecision } from './types.ts';

export function Tile(props: { label: string; value: string; raw?: number; hint?: string; testid?: string; tone?: 'warn' | 'bad' | 'good' }) {
  return (
    <div class={`tile ${props.tone ?? ''}`} data-testid={props.testid} data-value={props.raw}>
      <div class="tile-label">{props.label}</div>
      <div class="tile-value">{props.value}</div>
      {props.hint && <div class="tile-hint">{props.hint}</div>}
    </div>
  );
}

/** An API error shown where the data would have been: the API's own message, never a blank page. */
export function ErrorBox(props: { error: Error | undefined; what?: string }) {
  if (!props.error) return null;
  const status = props.error instanceof ApiError ? props.error.status : 0;
  return (
    <div class="error" role="alert">
      <strong>{props.what ? `Could not load ${props.what}` : 'Error'}{status ? ` (${status})` : ''}:</strong> {props.error.message}
    </div>
  );
}

export function Empty(props: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{props.title}</p>
      {props.children && <div class="empty-body">{props.children}</div>}
    </div>
  );
}

/** A 404 from an insight API that another part of Tollgate has not shipped yet. */
export function isMissing(error: Error | undefined): boolean {
  return error instanceof ApiError && error.status === 404;
}

export function NotYet(props: { feature: string; path: string }) {
  return (
    <Empty title={`${props.feature} is not available on this gateway yet`}>
      This view reads <code>{props.path}</code>, which this gateway version does not serve. Upgrade Tollgate to see it.
    </Empty>
  );
}

export function Section(props: { title: string; id?: string; actions?: ComponentChildren; children: ComponentChildren }) {
  const id = props.id ?? props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return (
    <section class="card" aria-labelledby={`h-${id}`}>
      <div class="card-head">
        <h2 id={`h-${id}`}>{props.title}</h2>
        {props.actions && <div class="card-actions">{props.actions}</div>}
      </div>
      {props.children}
    </section>
  );
}

export function Loading<T>(props: { state: Loaded<T>; what: string; children: (data: T) => ComponentChildren }) {
  const { data, error, loading } = props.state;
  if (data === undefined) {
    if (error) return <ErrorBox error={error} what={props.what} />;
    return <p class="muted" aria-busy={loading}>Loading {props.what}…</p>;
  }
  return (
    <>
      {error && <ErrorBox error={error} what={`fresh ${props.what}`} />}
      {props.children(data)}
    </>
  );
}

/** A horizontal bar (budgets): the fill at `percent`, threshold ticks, coloured by state. */
export function Bar(props: { percent: number; thresholds?: number[]; label: string }) {
  const pct = Math.max(0, Math.min(100, props.percent));
  const tone = props.percent >= 100 ? 'bad' : props.percent >= 80 ? 'warn' : 'good';
  return (
    <div class="bar" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(props.percent)} aria-label={props.label}>
      <div class={`bar-fill ${tone}`} style={{ width: `${pct}%` }} />
      {(props.thresholds ?? []).filter((t) => t > 0 && t < 100).map((t) => (
        <div key={t} class="bar-tick" style={{ left: `${t}%` }} title={`${t}%`} />
      ))}
    </div>
  );
}

export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A labelled `<select>` of (value, label) options: the filter bars' one kind of choice. */
export function Choice(props: { label: string; name: string; value: string; options: readonly (readonly [string, string])[]; onChange: (value: string) => void }) {
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A route decision in words: its summary, then what was tried and skipped and why (the ledger's structured fields). */
export function RouteExplanation(props: { route: RouteDecision | null; brief?: boolean }) {
  const { route } = props;
  if (!route) return <span class="muted">not routed</span>;
  const facts: string[] = [];
  if (route.strategy) facts.push(`strategy ${route.strategy}`);
  if (route.reason) facts.push(route.reason);
  if (route.learned) facts.push(`learned score ${route.learned.score.toFixed(3)} against threshold ${route.learned.threshold.toFixed(3)}${route.learned.rule ? ` (rule ${route.learned.rule}: no trained router)` : ''}`);
  if (route.taskClass) facts.push(`task class ${route.taskClass}`);
  if (route.experiment) facts.push(`experiment ${route.experiment.name}, ${route.experiment.arm} arm`);
  if (route.overflow) facts.push(`too long: sent to ${route.overflow}`);
  if (route.fallbacks) facts.push(`${route.fallbacks} fallback${route.fallbacks === 1 ? '' : 's'}`);
  for (const tried of route.tried ?? []) facts.push(`tried ${tried.target}: ${tried.outcome}`);
  const skipped = route.skipped ?? [];
  if (skipped.length) facts.push(`skipped ${skipped.map((s) => `${s.target} (${s.why})`).join(', ')}${route.skippedMore ? ` and ${route.skippedMore} more` : ''}`);
  return (
    <span class="route">
      <code>{route.summary}</code>
      {!props.brief && facts.length > 0 && <span class="muted small"> · {facts.join(' · ')}</span>}
    </span>
  );
}
