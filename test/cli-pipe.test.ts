// `herald run … | head -1`, `| true`: the reader goes away before Herald has written its answer. Herald records
// the command and stops quietly (exit 0, nothing on standard error), instead of dying on an unhandled EPIPE
// with a stack trace.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { bin, type CliWorld, createCliWorld } from './helpers/cli.js';

let world: CliWorld | null = null;
afterEach(() => {
  world?.cleanup();
  world = null;
});

it('herald run whose reader is gone before the answer exits 0, quietly, with the command recorded', async () => {
  world = createCliWorld();
  const w = world;
  const child = spawn(process.execPath, [bin, 'run', 'nc018 smtp down "spam cleanup"'], {
    cwd: w.dir,
    env: w.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  // Like `| true`: the pipe's reading end is closed before Herald writes anything, so every write fails.
  child.stdout.destroy();
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(stderr).not.toMatch(/EPIPE|Unhandled/);
  expect(status).toBe(0);
  expect(fs.existsSync(w.database)).toBe(true);
  expect(w.run(['run', 'list']).stdout).toContain('NC018 SMTP');
});
