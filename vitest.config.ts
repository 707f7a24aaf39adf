import { defineConfig } from 'vitest/config';

const common = { testTimeout: 20_000, hookTimeout: 30_000, pool: 'forks' } as const;

// One file at a time (vitest's default on two cores). Two at a time was tried: the suite took longer (961 s
// against 776 s, with the crash campaigns three times as slow side by side), and the files that hold Herald
// to Slack's 3 s acknowledgement under load (test/reliability/load.test.ts, concurrency.test.ts) failed.
export default defineConfig({
  test: {
    // The Debian packages the suite drives, checked before anything runs (one line per missing one); then a
    // folder for the logs of the whole run (test/helpers/log.ts).
    globalSetup: ['test/system-packages.setup.ts', 'test/log-scan/capture.setup.ts'],
    // Under CI the JSON results feed the plain "N passed, N failed" line that .ci/run prints.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/test-results.json' }]] : ['default'],
    projects: [
      {
        test: {
          ...common,
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/log-scan/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // After every other test: the logs they all wrote, scanned for the test credentials.
        test: {
          ...common,
          name: 'log-scan',
          include: ['test/log-scan/**/*.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
