/**
 * Accuracy and confusion table of labelled predictions (rows: the label, columns: what was predicted),
 * as plain text. Shared by the task-class data test and `scripts/task-class-diagnostics.ts`.
 */
export interface Prediction {
  want: string;
  got: string;
}

export function confusion(rows: readonly Prediction[]): { accuracy: number; table: string } {
  const counts = new Map<string, Map<string, number>>();
  let right = 0;
  for (const row of rows) {
    if (row.got === row.want) right += 1;
    const line = counts.get(row.want) ?? new Map<string, number>();
    line.set(row.got, (line.get(row.got) ?? 0) + 1);
    counts.set(row.want, line);
  }
  const predicted = [...new Set([...counts.values()].flatMap((line) => [...line.keys()]))].sort();
  const table = [
    `${'label \\ predicted'.padEnd(18)}${predicted.map((p) => p.slice(0, 10).padStart(11)).join('')}`,
    ...[...counts].map(([want, line]) => `${want.padEnd(18)}${predicted.map((p) => String(line.get(p) ?? 0).padStart(11)).join('')}`),
  ].join('\n');
  return { accuracy: rows.length > 0 ? right / rows.length : 0, table };
}
