import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { arenaHardV01, trainingPrompts } from '../../scripts/task-class-data.ts';
import { hasSharedData, missingSharedData, sharedDataDir, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const V01 = 'arena-hard/arena-hard-v0.1-question.jsonl';
const V2 = 'arena-hard/arena-hard-v2.0-question.jsonl';

/** Whitespace-folded, lower-cased opening of a prompt: how a copied prompt is recognised. */
const opening = (prompt: string): string => prompt.toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 120);

skipUnless(hasSharedData(V01) && hasSharedData(V2), missingSharedData(hasSharedData(V01) ? V2 : V01))('Arena-Hard v0.1 hand labels (opt-in training data)', () => {
  it('labels 354 of the 500 prompts (30 maths, the rest coding) and shares none with Arena-Hard v2, whose odd half is the held-out report', () => {
    const labelled = arenaHardV01(sharedDataDir);
    expect(labelled).toHaveLength(354);
    expect(labelled.filter((p) => p.label === 'maths')).toHaveLength(30);
    expect(labelled.every((p) => p.label === 'maths' || p.label === 'coding')).toBe(true);
    const v2 = new Set(readFileSync(sharedDataPath(V2), 'utf8').trim().split('\n').map((line) => opening((JSON.parse(line) as { prompt: string }).prompt)));
    expect(v2.size).toBeGreaterThan(700);
    expect(labelled.filter((p) => v2.has(opening(p.prompt)))).toEqual([]);
  });

  it('is left out of the shipped model\'s training prompts unless asked for', () => {
    expect(trainingPrompts(sharedDataDir).some((p) => p.source === 'arena-v0.1')).toBe(false);
    expect(trainingPrompts(sharedDataDir, { arenaV01: true }).filter((p) => p.source === 'arena-v0.1')).toHaveLength(354);
  });
});
