// The local shell: a prompt on standard input where each line is a command, as typed in chat. At a terminal
// it is a shell people use all day (src/adapters/chat/shell-terminal.ts: history, line editing, Ctrl-R, Tab);
// from a pipe or a file, each line is read as it comes, as before.

import readline from 'node:readline';
import type { CommandInput, Outcome } from '../../bot/handle-command.js';
import type { Actor } from '../../bot/types.js';
import { newRequestId } from '../../request-id.js';
import { SHELL_WORDS } from './shell-completion.js';
import type { TerminalShell } from './shell-terminal.js';

export const PROMPT = 'herald> ';

/** What `quit` says without a terminal: the shell closes, and Herald goes on serving as its banner said. */
export const QUIT_WITHOUT_TERMINAL =
  'The shell is closed; Herald serves on (the site, chat, deliveries) until Ctrl-C or SIGTERM.';

export interface ShellAdapterOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  actor: Actor;
  handle: (input: CommandInput) => Outcome;
  render: (outcome: Outcome) => string;
  /** Called for an unexpected error: log it with context; the user gets a short apology. */
  onError: (error: unknown, text: string, requestId: string) => void;
  banner?: string;
  /**
   * A person at a terminal: line editing, the history kept in `historyFile`, Tab completion; quit, exit,
   * Ctrl-D and Ctrl-C stop Herald. Without it, lines are read from a pipe as they come.
   */
  terminal?: {
    historyFile: string;
    complete: (line: string) => [string[], string];
    onHistoryError: (error: unknown) => void;
  };
}

/** How the shell ended: the person asked Herald to stop, or the input ended (or close() was called). */
export type ShellEnd = 'stop' | 'input-ended';

export interface ShellAdapter {
  /** Resolves when the person asks Herald to stop, or when the input ends (or close() is called). */
  run(): Promise<ShellEnd>;
  /** Stops reading, so that an open standard input does not keep Herald from exiting. */
  close(): void;
  /** Prints a line that is not an answer (a delivery, a question, a warning) without breaking the prompt. */
  say(text: string): void;
}

const SORRY = 'Sorry: something went wrong inside Herald and nothing was recorded. It has been logged.';

export function createShellAdapter(options: ShellAdapterOptions): ShellAdapter {
  const { input, output, actor, handle, render, onError } = options;
  let rl: readline.Interface | null = null;
  let terminal: TerminalShell | null = null;
  let closed = false;

  const answer = (text: string): string => {
    const requestId = newRequestId('shell');
    try {
      return render(handle({ text, actor, requestId }));
    } catch (error) {
      onError(error, text, requestId);
      return SORRY;
    }
  };

  const readPipe = (): Promise<ShellEnd> => {
    rl = readline.createInterface({ input, output, prompt: PROMPT, terminal: false });
    const lines = rl;
    lines.prompt();
    return new Promise<ShellEnd>((resolve) => {
      lines.on('line', (line) => {
        const text = line.trim();
        if ((SHELL_WORDS as readonly string[]).includes(text)) {
          output.write(`${QUIT_WITHOUT_TERMINAL}\n`);
          lines.close();
          return;
        }
        if (text) output.write(`${answer(text)}\n`);
        lines.prompt();
      });
      lines.on('close', () => {
        output.write('\n');
        resolve('input-ended');
      });
    });
  };

  return {
    close() {
      closed = true;
      rl?.close();
      terminal?.close();
      if ('pause' in input && typeof input.pause === 'function') input.pause();
      if ('unref' in input && typeof (input as { unref?: () => void }).unref === 'function')
        (input as { unref: () => void }).unref();
    },
    async run() {
      if (options.banner) output.write(`${options.banner}\n`);
      if (!options.terminal) return readPipe();
      // Loaded only at a terminal: node's REPL is not needed by `herald run` and the other commands.
      const { startTerminalShell } = await import('./shell-terminal.js');
      // Herald may have been stopped (SIGTERM) while it loaded: no prompt then.
      if (closed) return 'input-ended';
      terminal = startTerminalShell({ input, output, prompt: PROMPT, answer, ...options.terminal });
      return (await terminal.done) === 'stop' ? 'stop' : 'input-ended';
    },
    say(text) {
      if (terminal) terminal.say(text);
      else output.write(`\n${text}\n`);
    },
  };
}
