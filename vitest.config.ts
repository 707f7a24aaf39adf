import { defineConfig } from 'vitest/config';

// Test files share their worker process (isolate: false): each file no longer pays for a fresh process and
// for importing Herald's modules and their dependencies again (one at a time, the 99 files outside
// test/reliability/ took 283 s instead of 402 s). No file leans on another's module state: every world, store
// and server is made by the test that uses it.
const common = { testTimeout: 20_000, hookTimeout: 30_000, pool: 'forks', isolate: false } as const;

// Two groups, one after the other. First the files that drive Herald in-process or through a few short
// processes, two at a time (this machine has two cores). Then, one at a time, the files that load the machine
// themselves or hold Herald to a time under load: the crash campaigns and the rest of test/reliability/,
// Chromium, the pseudo-terminal, a real Alertmanager and a real nginx. Everything two at a time was tried:
// the suite took longer (961 s against 776 s, the crash campaigns three times as slow side by side), and the
// files that hold Herald to Slack's 3 s acknowledgement under load (test/reliability/load.test.ts,
// concurrency.test.ts) failed.
const ALONE = [
  'test/reliability/**',
  'test/**/*browser*.test.ts',
  'test/shell/**',
  'test/monitors/alertmanager*.test.ts',
  'test/ops/deploy-nginx.test.ts',
];
// After every run, test/helpers/slowest-reporter.ts prints the ten slowest files with their times.
const SLOWEST = './test/helpers/slowest-reporter.ts';
export default defineConfig({
  test: {
    // The Debian packages the suite drives, checked before anything runs (one line per missing one); then a
    // folder for the logs of the whole run (test/helpers/log.ts).
    globalSetup: ['test/system-packages.setup.ts', 'test/log-scan/capture.setup.ts'],
    // Under CI the JSON results feed the plain "N passed, N failed" line that .ci/run prints.
    reporters: process.env.CI
      ? ['default', SLOWEST, ['json', { outputFile: '.tmp/test-results.json' }]]
      : ['default', SLOWEST],
    projects: [
      {
        test: {
          ...common,
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/log-scan/**', ...ALONE],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: 'alone',
          include: ALONE.map((glob) => (glob.endsWith('**') ? `${glob}/*.test.ts` : glob)),
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // After every other test: the logs they all wrote, scanned for the test credentials.
        test: {
          ...common,
          name: 'log-scan',
          include: ['test/log-scan/**/*.test.ts'],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
