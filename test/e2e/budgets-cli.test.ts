import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { runCli } from '../support/cli.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** `tollgate budgets update | reset | delete` as a separate process against a running gateway. */
describe('tollgate budgets CLI', () => {
  let h: Harness;
  const cli = (args: string[]) => runCli(h, ['budgets', ...args]);
  beforeAll(async () => {
    h = await startHarness({
      config: (input: TollgateConfigInput) => ({ ...input, budgets: [{ id: 'file-cap', scope: 'project', org: 'demo', value: 'demo', period: 'monthly', limitUsd: 10, timezone: 'Asia/Tokyo' }] }),
    });
  });
  afterAll(() => h.close());

  it('update changes only what is given, reset is reported, delete turns a config budget off', { timeout: 60_000 }, async () => {
    const updated = await cli(['update', 'file-cap', '--limit', '20', '--json']);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.out)).toMatchObject({ budget: { limitUsd: 20, timezone: 'Asia/Tokyo', period: 'monthly' } });
    const reset = await cli(['reset', 'file-cap']);
    expect(reset.out).toMatch(/^reset budget file-cap at \d{4}-.*\(\$0 had been spent in the period\)/);
    const status = await cli(['status']);
    expect(status.out).toMatch(/file-cap .*\$0 of \$20 .*; reset \d{4}-.* \(config, changed at run time\)/);
    expect((await cli(['delete', 'file-cap'])).code).toBe(0);
    const missing = await cli(['reset', 'file-cap']);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/Budget 'file-cap' not found/);
  });
});
