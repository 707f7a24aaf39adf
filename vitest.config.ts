import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const common = { testTimeout: 20_000, hookTimeout: 30_000, pool: 'forks' } as const;

// Most of a test's time is a spawned `herald` (or nginx, Chromium, python) working while the test's own
// process waits, so two files at a time keep a two-core machine busy where vitest's default (cores - 1)
// ran the whole suite one file after another.
const maxWorkers = Math.max(2, os.availableParallelism());

/**
 * The heaviest files (test/reliability/: crash campaigns of a minute or two each) start first, so that the
 * run does not end with one of them alone; within each group, vitest's own order (slowest first once it has
 * timed a run, else the largest file first).
 */
class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const heavy = (f: TestSpecification) => f.moduleId.includes('/test/reliability/');
    return [...sorted.filter(heavy), ...sorted.filter((f) => !heavy(f))];
  }
}

export default defineConfig({
  test: {
    // The Debian packages the suite drives, checked before anything runs (one line per missing one); then a
    // folder for the logs of the whole run (test/helpers/log.ts).
    globalSetup: ['test/system-packages.setup.ts', 'test/log-scan/capture.setup.ts'],
    maxWorkers,
    sequence: { sequencer: HeaviestFirst },
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
