import { describe, expect, it } from 'vitest';
import type { LedgerDimension } from '../../ledger/record.ts';
import type { LedgerFilter } from '../../ledger/store.ts';
import { narrowEnough, narrowValues, ROLLUP_KEYS, rollupValues, summarizeQuery, type Dialect } from './ledger-columns.ts';
import { ledgerRecord } from '../../../test/support/ledger-records.ts';

const dialect: Dialect = {
  placeholder: () => '?',
  day: (column) => `day(${column})`,
  hour: (column) => `hour(${column})`,
  sum: (expression) => `SUM(${expression})`,
  hasTag: () => 'has_tag',
  tagJoin: 'JOIN tags',
  tagValue: 'tag_value',
  routeTarget: () => 'route',
  fellBack: () => 'fell_back',
  routeStrategy: () => 'strategy',
};

const HOUR = 3_600_000;
const tables = (dimensions: LedgerDimension[], filter: LedgerFilter) => [...summarizeQuery(dimensions, filter, dialect).sql.matchAll(/FROM (ledger\w*)/g)].map((m) => m[1]).sort();

describe('narrow rollups (no user, no key)', () => {
  it('answer every summary that neither groups by nor filters on a user or a key', () => {
    const month = { fromMs: 20 * 24 * HOUR + 5 * HOUR, toMs: 40 * 24 * HOUR + 3 * HOUR };
    expect(tables(['day', 'provider'], month)).toEqual(['ledger_daily_narrow', 'ledger_hourly_narrow', 'ledger_hourly_narrow']);
    expect(tables(['hour', 'project', 'model'], month)).toEqual(['ledger_hourly_narrow']);
    expect(tables(['cache'], {})).toEqual(['ledger_daily_narrow']);
    expect(tables(['model'], { projectId: 'p', provider: 'x', reportedModel: 'm' })).toEqual(['ledger_daily_narrow']);
    // A user or key as a group or a filter: the wide rollups.
    expect(tables(['day', 'user'], month)).toEqual(['ledger_daily', 'ledger_hourly', 'ledger_hourly']);
    expect(tables(['hour'], { keyId: 'k' })).toEqual(['ledger_hourly']);
    expect(tables(['model'], { userId: 'u' })).toEqual(['ledger_daily']);
    expect(narrowEnough(['key'], {})).toBe(false);
    // Tags and raw-only filters are untouched.
    expect(tables(['tag'], {})).toEqual(['ledger_hourly_tags']);
    expect(tables(['project'], { servedOnly: true })).toEqual(['ledger']);
  });

  it("a row's narrow values are its wide values without user and key", () => {
    const values = rollupValues(ledgerRecord({ userId: 'u1', keyId: 'k1', projectId: 'p', timeMs: 5 * HOUR + 7 }));
    const narrow = narrowValues(values);
    expect(narrow).toHaveLength(values.length - 2);
    expect(narrow.slice(0, 3)).toEqual([5 * HOUR, values[1], 'p']);
    expect(narrow.slice(3)).toEqual(values.slice(5));
    expect(values[ROLLUP_KEYS.indexOf('user_id')]).toBe('u1');
    expect(narrow).not.toContain('u1');
    expect(narrow).not.toContain('k1');
  });
});
