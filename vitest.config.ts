import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // tests spawn the built CLI and real servers; two cores
    pool: 'forks',
    maxWorkers: 2,
    setupFiles: ['test/helpers/setup.ts'],
    // the second ends every run with the skipped tests and why
    reporters: ['default', './test/helpers/skip-reporter.ts'],
  },
});
