import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { loadConfigFile, parseConfig } from '../../src/config/load.ts';
import { configProblem } from '../support/config-problem.ts';

/**
 * A config-file budget's `downgradeTo` was checked loosely: with a `defaultProvider` any string passed
 * (an unknown provider, spaces, CR/LF), and without one a bare provider id did. It is now checked as the
 * admin API checks it, and an unknown target stops start-up with an error naming the budget.
 */
describe('config budget downgradeTo', () => {
  const base = demoConfig('http://127.0.0.1:9', 0); // defaultProvider: mock-openai
  const budget = (downgradeTo: string) => ({ id: 'daily-cap', scope: 'global', period: 'daily', limitUsd: 5, thresholds: [{ percent: 80, action: 'alert' }, { percent: 90, action: 'downgrade', downgradeTo }] });

  it.each(['gpt-4o-mini@nowhere', 'gpt 4o mini', 'gpt-4o\r\nx-evil: 1', 'x'.repeat(300)])('refuses %j even with a default provider', (target) => {
    expect(configProblem({ ...base, budgets: [budget(target)] })).toMatch(/budgets\.daily-cap\.thresholds\.1\.downgradeTo: '.*' is neither a model alias nor model@provider of a configured provider/);
  });

  it('without a default provider a bare model name (or a provider id) is refused', () => {
    const { defaultProvider: _none, ...noDefault } = base;
    expect(configProblem({ ...noDefault, budgets: [budget('gpt-3.5-turbo')] })).toMatch(/budgets\.daily-cap\.thresholds\.1\.downgradeTo: 'gpt-3\.5-turbo'/);
    expect(configProblem({ ...noDefault, budgets: [budget('mock-openai')] })).toMatch(/budgets\.daily-cap/);
    expect(parseConfig({ ...noDefault, budgets: [budget('gpt-4o-mini')] }, {}).budgets[0]?.thresholds[1]?.downgradeTo).toBe('gpt-4o-mini');
  });

  it('keeps an alias, model@configured-provider and (with a default provider) a bare model name', () => {
    for (const target of ['gpt-4o-mini', 'gpt-4o-mini@mock-openai', 'claude-3-5-haiku-latest@mock-anthropic', 'gpt-3.5-turbo']) {
      expect(parseConfig({ ...base, budgets: [budget(target)] }, {}).budgets[0]?.thresholds[1]?.downgradeTo).toBe(target);
    }
  });

  it('a YAML config file with an unknown target does not load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-downgrade-'));
    const file = join(dir, 'tollgate.yaml');
    writeFileSync(
      file,
      [
        'providers:',
        '  openai: { kind: openai, baseUrl: https://api.openai.com/v1, apiKey: sk-x }',
        'defaultProvider: openai',
        'budgets:',
        '  - id: team-cap',
        '    scope: global',
        '    period: monthly',
        '    limitUsd: 100',
        '    thresholds: [{ percent: 90, action: downgrade, downgradeTo: gpt-4o-mini@opnai }]',
        '',
      ].join('\n'),
    );
    expect(() => loadConfigFile(file, {})).toThrow(/budgets\.team-cap\.thresholds\.0\.downgradeTo: 'gpt-4o-mini@opnai'/);
  });
});
