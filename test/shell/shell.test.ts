// The `herald>` prompt as a person uses it, through a pseudo-terminal: the real `herald start` with a
// terminal for standard input and output. One world for the file (one data folder, Heralds one at a time):
// what one test types is the history the next one finds, as for a person who comes back the next day.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type CliWorld, createCliWorld } from '../helpers/cli.js';
import { captureStderr } from '../helpers/log.js';
import { killPtyHeralds, type PtyHerald, startInPty } from './pty.js';

const UP = '\u001b[A';
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_R = '\u0012';
const CTRL_U = '\u0015';
const TAB = '\t';
const PROMPT = 'herald> ';

let world: CliWorld;
beforeAll(() => {
  world = createCliWorld();
});
afterEach(() => killPtyHeralds());
afterAll(() => world.cleanup());

const historyFile = () => path.join(world.dir, 'data', 'shell-history');

/** Starts Herald in a terminal and waits for its first prompt. */
async function started(env: NodeJS.ProcessEnv = world.env): Promise<PtyHerald> {
  const herald = startInPty(world, env);
  await herald.waitFor(PROMPT);
  return herald;
}

/** Types `keys` once the screen shows `after` (what was typed before, echoed): keys never run together. */
async function typeAfter(herald: PtyHerald, after: string, keys: string, from: number): Promise<void> {
  await herald.waitFor(after, from);
  herald.type(keys);
}

/** Types `keys` and resolves with the screen after them once it shows `shows`. */
async function press(herald: PtyHerald, keys: string, shows: string | RegExp): Promise<string> {
  const from = herald.mark();
  herald.type(keys);
  return herald.waitFor(shows, from);
}

/** Runs a command and resolves with the screen from it to the next prompt. */
async function command(herald: PtyHerald, text: string, reply: string | RegExp): Promise<string> {
  const from = herald.mark();
  herald.type(`${text}\r`);
  await herald.waitFor(reply, from);
  const shown = await herald.waitFor(
    new RegExp(
      `[\\s\\S]*${reply instanceof RegExp ? reply.source : escapeRegExp(reply)}[\\s\\S]*\\n${PROMPT}`,
    ),
    from,
  );
  return shown;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the prompt at a terminal', () => {
  it('keeps the log off the screen at the default LOG_LEVEL: it goes to the data folder, the prompt stays', async () => {
    const env = { ...world.env };
    delete env.LOG_LEVEL;
    delete env.LOG_FILE;
    delete env.LOG_FILE_LEVEL;
    const herald = await started(env);
    expect(herald.screen()).toContain('Logs go to data/herald.log; warnings and errors also show here.');
    const recorded = await command(
      herald,
      'nc018 smtp down "spam cleanup"',
      'Recorded post 1.1 in incident #1',
    );
    expect(recorded).toMatch(/Goes to: site[^\n]*\n\r?herald> $/);
    await command(herald, 'list', 'NC018 SMTP: down since');
    // Every line is Herald's, also one that node's REPL would take for one of its own `.` commands.
    await command(herald, '.editor', 'Refused: unknown system ".editor"');
    const from = herald.mark();
    herald.type('exit\r');
    await herald.waitFor('Stopping Herald…', from);
    expect((await herald.exited).exitCode).toBe(0);
    // Every line Herald logged at info went to the file, none to the terminal, in any form.
    const log = fs.readFileSync(path.join(world.dir, 'data', 'herald.log'), 'utf8');
    captureStderr(log);
    expect(log).toContain('"msg":"command recorded"');
    expect(log).toContain('"msg":"stopping"');
    const screen = herald.screen();
    expect(screen).not.toContain('command recorded');
    expect(screen).not.toMatch(/^\s*\{"level"/m);
    expect(screen).not.toMatch(/\bINFO\b/);
  });

  it('shows a warning above the prompt, one short line, and draws the prompt again after it', async () => {
    // A history file that cannot be written (a folder in its place): Herald warns and goes on.
    fs.rmSync(historyFile(), { force: true });
    fs.mkdirSync(historyFile());
    try {
      const herald = await started();
      let from = herald.mark();
      herald.type('list\r');
      const shown = await herald.waitFor(/warning: the shell history cannot be saved[^\n]*\n/, from);
      expect(shown).not.toMatch(/\{"level"/);
      // The warning is one line, and the prompt comes back after it (the answer comes too).
      await herald.waitFor(
        /warning: the shell history cannot be saved; the shell goes on without it: [^\n]*EISDIR[^\n]*\r?\n/,
        from,
      );
      await herald.waitFor(new RegExp(`${PROMPT}$`), from);
      from = herald.mark();
      herald.type(CTRL_C);
      await herald.waitFor('Stopping Herald…', from);
      expect((await herald.exited).exitCode).toBe(0);
    } finally {
      fs.rmSync(historyFile(), { recursive: true, force: true });
    }
  });

  it('keeps the history across restarts: Up gives the last commands, Ctrl-R finds one; quit stops Herald', async () => {
    const first = await started();
    await command(first, 'nc018 smtp down "spam cleanup again"', 'Recorded post');
    await command(first, 'help states', 'degraded');
    const from = first.mark();
    first.type('quit\r');
    await first.waitFor('Stopping Herald…', from);
    expect((await first.exited).exitCode).toBe(0);
    expect(fs.statSync(historyFile()).mode & 0o777).toBe(0o600);
    const saved = fs.readFileSync(historyFile(), 'utf8');
    expect(saved).toContain('nc018 smtp down "spam cleanup again"\nhelp states\n');
    expect(saved).not.toMatch(/^quit$/m);

    const second = await started();
    let mark = second.mark();
    second.type(UP);
    await second.waitFor(`${PROMPT}help states`, mark);
    mark = second.mark();
    second.type(UP);
    await second.waitFor(`${PROMPT}nc018 smtp down "spam cleanup again"`, mark);
    // Cleared, then found again by reverse search, and run.
    second.type(CTRL_U);
    mark = second.mark();
    second.type(CTRL_R);
    await typeAfter(second, 'bck-i-search', 'again', mark);
    await second.waitFor(/bck-i-search: again_/, mark);
    expect(second.screen(mark)).toContain('nc018 smtp down "spam cleanup again"');
    mark = second.mark();
    second.type('\r');
    await second.waitFor(/Recorded post 1\.\d+ in incident #1/, mark);
    mark = second.mark();
    second.type(CTRL_D);
    await second.waitFor('Stopping Herald…', mark);
    expect((await second.exited).exitCode).toBe(0);
  });

  it('completes systems, then services, then states, open incidents and templates with Tab', async () => {
    // A world of its own, where the one open incident is the one opened here.
    const own = createCliWorld();
    onTestFinished(() => own.cleanup());
    const herald = startInPty(own);
    await herald.waitFor(PROMPT);
    await command(herald, 'nc026 dns down "resolver restart"', 'Recorded post 1.1 in incident #1');
    // Each key waits for the echo of the one before, so that no two arrive together (readline completes only
    // on a Tab typed alone). A completion at the end of the line is echoed as the letters it adds.
    await press(herald, 'nc', 'nc');
    await press(herald, TAB, '0');
    // A second Tab lists the systems that begin so, and draws the line again.
    const listed = await press(herald, TAB, /nc018\s+nc026\s*\r?\n\r?herald> nc0/);
    expect(listed).not.toContain('email');
    await press(herald, '1', '1');
    await press(herald, TAB, '8');
    // Services of NC018, then its states.
    await press(herald, ' sm', ' sm');
    await press(herald, TAB, 'tp');
    await press(herald, ' deg', ' deg');
    await press(herald, TAB, 'rad');
    await press(herald, TAB, /degradation\s+degraded\s*\r?\n\r?herald> nc018 smtp degrad/);
    // Templates after --template.
    await press(herald, 'ed --template s', '--template s');
    await press(herald, TAB, 'pam');
    await press(herald, CTRL_U, PROMPT);
    // The options of the subcommand, after the message; help's topics.
    await press(herald, 'update 1 "restarted" --ne', '--ne');
    await press(herald, TAB, 'xt');
    await press(herald, CTRL_U, PROMPT);
    await press(herald, 'help ti', 'help ti');
    await press(herald, TAB, 'mes');
    await press(herald, CTRL_U, PROMPT);
    // The open incident, by number (read from the store at each Tab).
    await press(herald, 'resolve #', 'resolve #');
    await press(herald, TAB, '1');
    await press(herald, CTRL_U, PROMPT);
    await press(herald, 'quit\r', 'Stopping Herald…');
    expect((await herald.exited).exitCode).toBe(0);
  });
});

describe('the shell without a terminal', () => {
  it('says what quit does, and Herald serves on as before until a signal', async () => {
    const r = await world.start('quit\n', {
      keepStdinOpen: true,
      ready: (out) => out.includes('The shell is closed'),
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'The shell is closed; Herald serves on (the site, chat, deliveries) until Ctrl-C or SIGTERM.',
    );
    expect(r.stdout).not.toContain('Stopping Herald');
  });
});
