/**
 * Task rules of a route (`taskRules: [{ taskClass: 'coding', model: 'strong' }]`): the prompt's task
 * class (`classifyTask`) picks the model that goes first; the route's strategy still orders the rest,
 * which stay as fallbacks. A rule whose model the route's filters removed (context, tools, breaker)
 * does not apply: capability filters always win. Pure.
 */
import type { RouteConfig } from '../config/schema.ts';
import type { RouteSelection } from './select.ts';

export type TaskRule = NonNullable<RouteConfig['taskRules']>[number];

export function applyTaskRules(selection: RouteSelection, rules: readonly TaskRule[], taskClass: string): RouteSelection {
  const rule = rules.find((candidate) => candidate.taskClass === taskClass);
  const decision = { ...selection.decision, taskClass };
  if (!rule) return { ...selection, summary: `${selection.summary} task=${taskClass}`, decision: { ...decision, summary: `${decision.summary} task=${taskClass}` } };
  const index = selection.ordered.findIndex((entry) => entry.alias === rule.model);
  if (index < 0) {
    const note = `task=${taskClass} rule=${rule.model}:not-eligible`;
    return { ...selection, summary: `${selection.summary} ${note}`, decision: { ...decision, summary: `${decision.summary} ${note}` } };
  }
  const chosen = selection.ordered[index]!;
  const ordered = [chosen, ...selection.ordered.filter((_, i) => i !== index)];
  const summary = `${selection.strategy}:${chosen.alias} task=${taskClass}${selection.summary.slice(selection.summary.indexOf(' '))}`;
  return {
    ...selection,
    ordered,
    summary,
    decision: { ...decision, summary, chosen: chosen.key, reason: `${chosen.alias} by the route's task rule for ${taskClass} prompts` },
  };
}
