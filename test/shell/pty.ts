// `herald start` as a person runs it: the real bin/herald.js in a pseudo-terminal (@lydell/node-pty), so that
// standard input and output are terminals. The screen is read as the terminal receives it, less the escape
// sequences; tests wait for text to appear, never for time to pass.

import { stripVTControlCharacters } from 'node:util';
import { type IPty, spawn } from '@lydell/node-pty';
import { bin, type CliWorld } from '../helpers/cli.js';
import { captureStderr } from '../helpers/log.js';

/** How long a wait may last before the test fails with the screen so far (a hung Herald, not a slow one). */
const GIVE_UP_MS = 15_000;

export interface PtyHerald {
  /** Types keys, as a person would (`\r` is Enter, `\t` Tab, `\u001b[A` Up, `\u0012` Ctrl-R). */
  type(keys: string): void;
  /** Everything shown so far, escape sequences removed; from `from` (a mark) on, if given. */
  screen(from?: number): string;
  /** The raw output so far, escape sequences included. */
  raw(): string;
  /** A position in the screen, for waiting on what comes after it. */
  mark(): number;
  /** Resolves with the screen from `from` once it matches. */
  waitFor(what: string | RegExp, from?: number): Promise<string>;
  /** Resolves at exit. */
  exited: Promise<{ exitCode: number; signal?: number }>;
  kill(): void;
}

const running = new Set<IPty>();

/** Kills every pseudo-terminal Herald a test left running (for afterEach). */
export function killPtyHeralds(): void {
  for (const p of running) p.kill('SIGKILL');
  running.clear();
}

export function startInPty(world: CliWorld, env: NodeJS.ProcessEnv = world.env): PtyHerald {
  const child = spawn(process.execPath, [bin, 'start'], {
    name: 'xterm-256color',
    cols: 160,
    rows: 50,
    cwd: world.dir,
    env: { ...env, TERM: 'xterm-256color' } as Record<string, string>,
  });
  running.add(child);
  let raw = '';
  let waiters: Array<() => void> = [];
  child.onData((data) => {
    raw += data;
    for (const check of waiters) check();
  });
  const screen = (from = 0) => stripVTControlCharacters(raw).slice(from);
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) =>
    child.onExit((e) => {
      running.delete(child);
      captureStderr(raw);
      for (const check of waiters) check();
      resolve(e);
    }),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  return {
    type: (keys) => child.write(keys),
    screen,
    raw: () => raw,
    mark: () => screen().length,
    exited,
    kill: () => child.kill('SIGKILL'),
    waitFor(what, from = 0) {
      const found = () => (typeof what === 'string' ? screen(from).includes(what) : what.test(screen(from)));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(new Error(`never saw ${String(what)} on the screen:\n${screen(from)}`));
        }, GIVE_UP_MS);
        const check = () => {
          if (found()) {
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== check);
            resolve(screen(from));
          } else if (gone) {
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== check);
            reject(new Error(`Herald exited before ${String(what)} was shown:\n${screen(from)}`));
          }
        };
        waiters.push(check);
        check();
      });
    },
  };
}
