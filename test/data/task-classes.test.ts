import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { classifyTask } from '../../src/language/task-class.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const MT_BENCH = 'routellm-evals/mt_bench/question.jsonl';
const ARENA_HARD = 'arena-hard/arena-hard-v2.0-question.jsonl';
/** MT-Bench's eight categories and Arena-Hard v2's three, in Tollgate's classes (stem and humanities are knowledge questions). */
const MT_CLASS: Record<string, string> = { writing: 'writing', roleplay: 'roleplay', reasoning: 'reasoning', math: 'maths', coding: 'coding', extraction: 'extraction', stem: 'knowledge', humanities: 'knowledge' };
const ARENA_CLASS: Record<string, string> = { coding: 'coding', math: 'maths', creative_writing: 'writing' };

function confusion(rows: ReadonlyArray<{ want: string; prompt: string }>): { accuracy: number; table: string } {
  const counts = new Map<string, Map<string, number>>();
  let right = 0;
  for (const row of rows) {
    const got = classifyTask(row.prompt).taskClass;
    if (got === row.want) right += 1;
    const line = counts.get(row.want) ?? new Map<string, number>();
    line.set(got, (line.get(got) ?? 0) + 1);
    counts.set(row.want, line);
  }
  const predicted = [...new Set([...counts.values()].flatMap((line) => [...line.keys()]))].sort();
  const table = [
    `${'label \\ predicted'.padEnd(18)}${predicted.map((p) => p.slice(0, 10).padStart(11)).join('')}`,
    ...[...counts].map(([want, line]) => `${want.padEnd(18)}${predicted.map((p) => String(line.get(p) ?? 0).padStart(11)).join('')}`),
  ].join('\n');
  return { accuracy: right / rows.length, table };
}

/**
 * Task classes against labelled prompts: MT-Bench's 80 first turns (8 categories) and Arena-Hard v2's
 * 750 real prompts (coding, maths, creative writing; many not in English). The cues were written with
 * MT-Bench and the even-numbered Arena-Hard prompts in view; the odd-numbered ones are the held-out report.
 */
skipUnless(hasSharedData(MT_BENCH) && hasSharedData(ARENA_HARD), missingSharedData(hasSharedData(MT_BENCH) ? ARENA_HARD : MT_BENCH))('task classes on labelled prompts', () => {
  it('prints accuracy and confusion tables; guards the accuracy reached', () => {
    const mt = readFileSync(sharedDataPath(MT_BENCH), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { category: string; turns: string[] });
    const arena = readFileSync(sharedDataPath(ARENA_HARD), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { subcategory: string; prompt: string });
    const mtRows = mt.map((q) => ({ want: MT_CLASS[q.category] ?? q.category, prompt: q.turns[0] ?? '' }));
    const arenaHeldOut = arena.filter((_, i) => i % 2 === 1).map((q) => ({ want: ARENA_CLASS[q.subcategory] ?? q.subcategory, prompt: q.prompt }));
    const mtResult = confusion(mtRows);
    const arenaResult = confusion(arenaHeldOut);
    console.log(`MT-Bench (80 prompts): accuracy ${mtResult.accuracy.toFixed(3)}\n${mtResult.table}\n\nArena-Hard v2 held-out (${arenaHeldOut.length} prompts): accuracy ${arenaResult.accuracy.toFixed(3)}\n${arenaResult.table}`);
    // The target is 0.85 on both; these are the floors reached so far (see the closing note).
    expect(mtResult.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(arenaResult.accuracy).toBeGreaterThanOrEqual(0.6);
  });
});
