import { MAX_ROUTE_ENTRIES, MAX_SUMMARY_CHARS, type ExperimentArm, type RouteDecision } from '../domain/route-decision.ts';
import type { PipelineRequest } from './types.ts';

/**
 * The stages' notes on how a request is routed, kept in the pipeline's state (`request.route`) and
 * metered into the ledger as one structured value. The summary grows in the same short form
 * `x-tollgate-route` has always carried; a decision whose summary stayed empty (a plain model served
 * by its first target, whatever the call loop noted on the way) is not recorded, so the reports'
 * "routed" means what it always meant: a strategy, experiment, overflow, skip or fallback happened.
 */
function decisionOf(request: PipelineRequest): RouteDecision {
  request.route ??= { summary: '' };
  return request.route;
}

function appendSummary(decision: RouteDecision, text: string): void {
  const summary = decision.summary ? `${decision.summary} ${text}` : text;
  decision.summary = summary.length > MAX_SUMMARY_CHARS ? summary.slice(0, MAX_SUMMARY_CHARS) : summary;
}

/** The experiment arm the request (or its shadow) is on. */
export function noteExperiment(request: PipelineRequest, name: string, arm: ExperimentArm): void {
  request.route = { summary: `experiment:${name}:${arm}`, experiment: { name, arm } };
}

/** A route's selection replaces the summary (as the header always had it) and keeps an experiment arm already noted. */
export function noteSelection(request: PipelineRequest, selection: RouteDecision): void {
  const experiment = request.route?.experiment;
  request.route = { ...selection, ...(selection.skipped ? { skipped: [...selection.skipped] } : {}), ...(experiment ? { experiment } : {}) };
}

/** A prompt too long for its model went to the alias's overflow target. */
export function noteOverflow(request: PipelineRequest, target: string): void {
  const decision = decisionOf(request);
  decision.overflow = target;
  appendSummary(decision, `overflow:${target}`);
}

/** Targets never called, and why; the summary names those the client may care about (context, budget). */
export function noteSkipped(request: PipelineRequest, targets: readonly string[], why: string, inSummary = true): void {
  if (targets.length === 0) return;
  const decision = decisionOf(request);
  const skipped = (decision.skipped ??= []);
  for (const target of targets) {
    if (skipped.length < MAX_ROUTE_ENTRIES) skipped.push({ target, why });
    else decision.skippedMore = (decision.skippedMore ?? 0) + 1;
  }
  if (inSummary) appendSummary(decision, targets.map((target) => `+skipped:${target}(${why})`).join(' '));
}

/** A target called that failed, with its error code. */
export function noteTried(request: PipelineRequest, target: string, outcome: string): void {
  const tried = (decisionOf(request).tried ??= []);
  if (tried.length < MAX_ROUTE_ENTRIES) tried.push({ target, outcome });
}

/** A fallback target is being called. */
export function noteFallback(request: PipelineRequest, target: string): void {
  const decision = decisionOf(request);
  decision.fallbacks = (decision.fallbacks ?? 0) + 1;
  decision.chosen = target;
  appendSummary(decision, decision.summary ? `+fallback:${target}` : `fallback:${target}`);
}

/** The target now being called (the one that serves, or that a failure is blamed on). */
export function noteCalling(request: PipelineRequest, target: string): void {
  decisionOf(request).chosen = target;
}

/** The decision the ledger records: none when nothing routed the request. */
export function recordedRoute(request: PipelineRequest): RouteDecision | null {
  return request.route?.summary ? request.route : null;
}
