/**
 * A key's allowed models: exact names or globs where `*` stands for any run of characters
 * (`gpt-4o*`, `*@local`, `tollgate/*`). Case-sensitive, anchored. Pure.
 */
export function matchesModelPattern(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const parts = pattern.split('*');
  // Anchored glob without regular expressions (no pathological backtracking on hostile names).
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (let index = 1; index < parts.length - 1; index += 1) {
    const part = parts[index]!;
    const found = name.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Whether any of the names (a model as requested, or a target's names) is allowed. No list: everything is. */
export function modelAllowed(patterns: readonly string[] | undefined, names: readonly string[]): boolean {
  if (!patterns || patterns.length === 0) return true;
  return names.some((name) => patterns.some((pattern) => matchesModelPattern(pattern, name)));
}

/** What a routed target may be called in an allow list: its upstream model, `model@provider`, and every alias that points at it. */
export function targetNames(target: { upstreamModel: string; providerId: string }, aliasTargets: Readonly<Record<string, { target: string }>>): string[] {
  const full = `${target.upstreamModel}@${target.providerId}`;
  const names = [target.upstreamModel, full];
  for (const [alias, model] of Object.entries(aliasTargets)) if (model.target === full) names.push(alias);
  return names;
}
