import { defineConfig } from 'vitest/config';

// Tests that hold a send rate to a fake server's one-second windows run last, one file at a time: on two
// busy cores a stalled process stamps requests late and a window looks fuller than what was sent.
const PACED = ['test/e2e/campaign.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // tests spawn the built CLI and real servers; two cores
    pool: 'forks',
    setupFiles: ['test/helpers/setup.ts'],
    // the second ends every run with the skipped tests and why
    reporters: ['default', './test/helpers/skip-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: PACED,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'paced', include: PACED, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
