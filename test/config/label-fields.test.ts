import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { configProblem } from '../support/config-problem.ts';

/**
 * A price override's model name and `cache.sharedNamespace` took control characters and bidi overrides
 * (they reach logs, the console and the admin cache API like any other label): the label rule applies,
 * with a message naming the field.
 */
describe('price-override model names and the shared cache namespace are labels', () => {
  const base = demoConfig('http://127.0.0.1:9', 0);
  const UNSAFE = ['gpt\r\nINFO forged', 'tab\tx', 'esc\u001b[31m', 'nul\u0000', 'del\u007f', 'csi\u009b', 'rlo\u202eodd', 'lri\u2066x\u2069', 'ls\u2028'];

  it.each(UNSAFE)('refuses %j as a price override model and as cache.sharedNamespace', (bad) => {
    expect(configProblem({ ...base, pricing: { overrides: [{ model: 'ok' }, { model: bad, inputPerMTokUsd: 1 }] } })).toMatch(/pricing\.overrides\.1\.model: must not contain control characters/);
    expect(configProblem({ ...base, cache: { sharedNamespace: bad } })).toMatch(/cache\.sharedNamespace: must not contain control characters/);
  });

  it('keeps ordinary names, prefixes and non-ASCII', () => {
    const config = parseConfig({ ...base, pricing: { overrides: [{ model: 'gpt-4o*', inputPerMTokUsd: 1 }, { model: 'modèle/名前 v2', outputPerMTokUsd: 2 }] }, cache: { sharedNamespace: 'shared team-α' } }, {});
    expect(config.pricing.overrides.map((override) => override.model)).toEqual(['gpt-4o*', 'modèle/名前 v2']);
    expect(config.cache.sharedNamespace).toBe('shared team-α');
  });

  it('still refuses an empty name', () => {
    expect(configProblem({ ...base, pricing: { overrides: [{ model: '' }] } })).toMatch(/pricing\.overrides\.0\.model/);
    expect(configProblem({ ...base, cache: { sharedNamespace: '' } })).toMatch(/cache\.sharedNamespace/);
  });
});
