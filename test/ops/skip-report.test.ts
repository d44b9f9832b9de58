import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the skip list at the end of a run', () => {
  it('names every suite skipped for a missing service or data set, with its reason, and still passes', { timeout: 120_000 }, () => {
    const output = execFileSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/ops/fixtures/vitest.fixture.config.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const block = output.slice(output.indexOf('SKIPPED:'));
    expect(block).toMatch(/^SKIPPED: 2 suites \(3 tests\) did NOT run on this machine/);
    expect(block).toContain('because no frobnicator installed (apt-get install frobnicator):\n  - test/ops/fixtures/skips.fixture.ts > needs a frobnicator (2 tests)');
    expect(block).toContain('because no widget data:\n  - test/ops/fixtures/skips.fixture.ts > needs widgets (1 test)');
    expect(block).not.toContain('inner reason');
    expect(block).not.toContain('never shown');
  });
});
