import type { AnomalyKind, RootCause, SeriesRef } from './types.ts';

export function seriesLabel(series: SeriesRef): string {
  return series.dimension === 'total' ? 'total spend' : `${series.dimension} ${series.value ?? ''}`;
}

/** Dollars for a sentence: cents for amounts over a dollar, four significant figures below. */
export function usd(nano: number): string {
  const abs = Math.abs(nano);
  if (abs >= 1e9) return `$${(Math.round(nano / 1e7) / 100).toFixed(2)}`;
  return `$${Number((nano / 1e9).toPrecision(3))}`;
}

function causeText(causes: readonly RootCause[]): string {
  const top = causes[0];
  if (!top) return '';
  const rest = causes[1] ? `; then ${causes[1].dimension} ${causes[1].value} (${Math.round(causes[1].share * 100)}%)` : '';
  return ` Root cause: ${top.dimension} ${top.value} explains ${Math.round(top.share * 100)}% (${top.deltaNanoUsd >= 0 ? '+' : '-'}${usd(Math.abs(top.deltaNanoUsd))})${rest}.`;
}

/** One sentence a person can act on: what moved, by how much against what, and who explains it. */
export function describe(kind: AnomalyKind, series: SeriesRef, hourMs: number, observed: number, expected: number, causes: readonly RootCause[], extra = ''): string {
  const at = `${new Date(hourMs).toISOString().slice(0, 13)}:00Z`;
  const label = seriesLabel(series);
  const times = expected > 0 ? `${(observed / expected).toFixed(1)}x` : 'far above';
  switch (kind) {
    case 'spike':
    case 'level-shift':
      return `${cap(label)} ${kind === 'spike' ? 'spiked' : 'shifted up'} to ${usd(observed)} in the hour from ${at}, ${times} the usual ${usd(expected)}.${causeText(causes)}${extra}`;
    case 'drop':
      return `${cap(label)} dropped to ${usd(observed)} in the hour from ${at}, ${times} the usual ${usd(expected)}.${causeText(causes)}${extra}`;
    case 'outage':
      return `${cap(label)} stopped: ${usd(observed)} in the hour from ${at} against the usual ${usd(expected)} (an outage or a client gone silent).${causeText(causes)}${extra}`;
    case 'new-model':
      return `New model ${series.value ?? ''} appeared at ${at}: ${usd(observed)} in its first hour.${causeText(causes)}${extra}`;
    case 'new-spender':
      return `New spender ${label} appeared at ${at}: ${usd(observed)} in its first hour.${causeText(causes)}${extra}`;
    case 'cost-per-request':
      return `Cost per request on ${label} jumped to ${usd(observed)} in the hour from ${at}, ${times} the usual ${usd(expected)}.${causeText(causes)}${extra}`;
    case 'pricier-model':
      return `${cap(label)} moved to a pricier model at ${at}: cost per request ${usd(observed)}, ${times} the usual ${usd(expected)}.${causeText(causes)}${extra}`;
  }
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
