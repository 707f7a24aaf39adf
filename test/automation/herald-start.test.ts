// `herald start` (bin/herald.js, the compiled CLI, on the real clock) runs the scheduler: a maintenance
// whose start and expected end passed while no Herald ran is started once it comes up, and its author, a
// shell user, is asked at the prompt. The folder is prepared in this process with a clock three hours back,
// so that nothing here waits for a time to come: the test only waits for the process to do its work.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { createHerald } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type CliWorld, createCliWorld, root } from '../helpers/cli.js';
import { ops } from '../helpers/core.js';
import { testLog } from '../helpers/log.js';

let world: CliWorld | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

const MINUTE = 60_000;
/** `2026-11-28 01:00`: a time as `--start` reads it, in UTC, to the minute. */
const typed = (at: number): string => new Date(at).toISOString().slice(0, 16).replace('T', ' ');

it('starts an overdue maintenance once when it comes up, and asks its author at the shell', async () => {
  world = createCliWorld();
  const loaded = loadConfig(world.env, root);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const now = Date.now();
  const start = Math.floor((now - 60 * MINUTE) / MINUTE) * MINUTE;
  const end = start + 30 * MINUTE;
  const earlier = createHerald(loaded.config, { log: testLog(), clock: { now: () => now - 180 * MINUTE } });
  const scheduled = earlier.handle({
    text: `maintenance nc018 web "Websites move to NC026." --start ${typed(start)} --end ${typed(end)}`,
    actor: ops,
  });
  expect(scheduled.kind).toBe('recorded');
  await earlier.close();

  const asked = /Herald asks ops: Is maintenance #1 complete\?.*When it is, type: {2}resolve 1 "/;
  const r = await world.start('', { keepStdinOpen: true, ready: (stdout) => asked.test(stdout) });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(asked);

  const db = new Database(path.join(world.dir, 'data', 'herald.db'), { readonly: true });
  try {
    const posts = db.prepare('SELECT number, author, state, event_at FROM posts ORDER BY number').all();
    expect(posts).toEqual([
      { number: 1, author: 'ops', state: null, event_at: null },
      { number: 2, author: 'Herald', state: 'maintenance', event_at: start },
    ]);
    const steps = db.prepare('SELECT step, outcome FROM automation_steps ORDER BY rowid').all();
    expect(steps).toEqual([
      { step: 'reminder-1h', outcome: 'skipped' },
      { step: 'start', outcome: 'posted' },
      { step: 'end-prompt', outcome: 'prompted' },
    ]);
    expect(db.prepare('SELECT status FROM prompts').pluck().all()).toEqual(['sent']);
  } finally {
    db.close();
  }
});
