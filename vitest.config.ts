import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A throwaway PostgreSQL cluster for the suites that need one (when the binaries exist), stopped after the run.
    globalSetup: ['test/support/global-setup.ts'],
    // `default`, then the list of every suite skipped for a missing service or data set, and why.
    reporters: ['default', './test/support/skip-report.ts'],
  },
});
