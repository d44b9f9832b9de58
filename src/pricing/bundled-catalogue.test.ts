import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BUNDLED_PROVIDER_IDS, loadBundledCatalogue } from './bundled-catalogue.ts';
import { compileSchedule } from './price-schedule.ts';

describe('bundled genai-prices catalogue', () => {
  const catalogue = loadBundledCatalogue();

  it.each(BUNDLED_PROVIDER_IDS)('resolves provider %s with models', (providerId) => {
    const provider = catalogue.find((entry) => entry.id === providerId);
    expect(provider?.models.length).toBeGreaterThan(0);
  });

  it('lists every provider the pinned package bundles, in its order', () => {
    // Read the ids from the package source so a package upgrade that adds one fails here.
    const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
    const source = readFileSync(entry.replace(/index\.cjs$/, 'index.js'), 'utf8');
    const ids = [...source.matchAll(/^ {4}id: "([^"]+)",$/gm)].map((match) => match[1]);
    expect(ids).toEqual([...BUNDLED_PROVIDER_IDS]);
  });

  it('compiles every price list with no unknown keys and no lattice gaps', () => {
    const problems: string[] = [];
    let models = 0;
    for (const provider of catalogue) {
      for (const model of provider.models) {
        models += 1;
        for (const entry of compileSchedule(model.prices).entries) {
          for (const problem of [...entry.plan.problems, ...entry.plan.unknownPriceKeys]) problems.push(`${provider.id}/${model.id}: ${problem}`);
        }
      }
    }
    expect(models).toBeGreaterThan(1500);
    expect(problems).toEqual([]);
  });
});
