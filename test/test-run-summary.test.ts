// Issue 19: `npm test`'s summary names the slowest test files with their times. Vitest runs, as a child
// process, a two-file project (test/fixtures/test-run/) with the reporters vitest.config.ts gives npm test.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { root } from './helpers/cli.js';

const run = promisify(execFile);

it('prints the slowest test files with their times, slowest first, after the run', async () => {
  const project = path.join(root, 'test', 'fixtures', 'test-run');
  const { stdout } = await run(
    process.execPath,
    [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'],
    {
      cwd: project,
      env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  const summary = stdout.slice(stdout.indexOf('The 2 test files, slowest first'));
  const lines = summary.trim().split('\n');
  expect(lines[0]).toMatch(/^The 2 test files, slowest first \(vitest ran for \d+ s\):$/);
  const [slow, quick] = lines.slice(1, 3).map((l) => /^\s+(\d+\.\d) s {2}(\S+)$/.exec(l));
  expect(slow?.[2]).toBe('slow.check.ts');
  expect(Number(slow?.[1])).toBeGreaterThanOrEqual(1.5);
  expect(quick?.[2]).toBe('quick.check.ts');
  expect(Number(quick?.[1])).toBeLessThan(Number(slow?.[1]));
  // The main suite's configuration uses the same reporter.
  expect(fs.readFileSync(path.join(root, 'vitest.config.ts'), 'utf8')).toContain(
    'test/helpers/slowest-reporter.ts',
  );
});
