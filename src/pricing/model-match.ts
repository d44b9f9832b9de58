import type { MatchLogic } from './catalogue.ts';

/** A compiled match clause over a model id that is already lower-cased and trimmed. */
export type ModelPredicate = (modelId: string) => boolean;

/**
 * Compiles genai-prices match logic into a predicate, with its exact semantics: the string
 * clauses compare case-insensitively, while `regex` is tested as written against the LOWER-CASED
 * id (so a pattern with capitals never matches; that is genai-prices' behaviour, kept on purpose).
 */
export function compileMatch(logic: MatchLogic): ModelPredicate {
  if ('or' in logic) {
    const clauses = logic.or.map(compileMatch);
    return (id) => clauses.some((clause) => clause(id));
  }
  if ('and' in logic) {
    const clauses = logic.and.map(compileMatch);
    return (id) => clauses.every((clause) => clause(id));
  }
  if ('equals' in logic) {
    const text = logic.equals.toLowerCase();
    return (id) => id === text;
  }
  if ('starts_with' in logic) {
    const text = logic.starts_with.toLowerCase();
    return (id) => id.startsWith(text);
  }
  if ('ends_with' in logic) {
    const text = logic.ends_with.toLowerCase();
    return (id) => id.endsWith(text);
  }
  if ('contains' in logic) {
    const text = logic.contains.toLowerCase();
    return (id) => id.includes(text);
  }
  const pattern = new RegExp(logic.regex);
  return (id) => pattern.test(id);
}

/** genai-prices' canonical form of a model id: lower-cased and trimmed. */
export function canonicalModelId(model: string): string {
  return model.toLowerCase().trim();
}

const COMPACT_DATE = /(-)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

/**
 * Rewrites a compact date suffix the way genai-prices does before its second lookup:
 * `gpt-4o-20240806` -> `gpt-4o-2024-08-06` (only real calendar dates, only before `-`, `:` or the
 * end). This is the ONLY name rewriting done: no `models/` stripping, no other suffix removal,
 * because a looser rule would price one model as another.
 */
export function expandCompactDate(modelId: string): string {
  return modelId.replace(COMPACT_DATE, (whole: string, dash: string, year: string, month: string, day: string) => {
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    const valid = date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
    return valid ? `${dash}${year}-${month}-${day}` : whole;
  });
}
