// The shell at a terminal: node's REPL server with Herald's commands in place of JavaScript. It is node's own
// readline with what people expect of a shell: line editing, Up/Down through the history, Ctrl-R reverse
// search (readline alone has none in Node 20), and Tab completion through our completer. Everything
// JavaScript about it is switched off: its line handler is replaced, no preview, no colours.

import readline from 'node:readline';
import repl from 'node:repl';
import { SHELL_WORDS } from './shell-completion.js';
import { HISTORY_SIZE, readHistory, writeHistory } from './shell-history.js';

export interface TerminalShellOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  prompt: string;
  historyFile: string;
  complete: (line: string) => [string[], string];
  /** The reply to one command, as printed. */
  answer: (text: string) => string;
  /** Told once when the history file cannot be written (a full disk): the shell goes on without saving. */
  onHistoryError: (error: unknown) => void;
}

export interface TerminalShell {
  /** Resolves 'stop' when the person asks Herald to stop (quit, exit, Ctrl-D, Ctrl-C), else at close(). */
  done: Promise<'stop' | 'closed'>;
  close(): void;
  say(text: string): void;
}

export const STOPPING = 'Stopping Herald…';

/** readline's history array: the REPL takes no initial history, so it is filled as node's own REPL does. */
type WithHistory = { history: string[] };

export function startTerminalShell(options: TerminalShellOptions): TerminalShell {
  const { output } = options;
  let closedByHerald = false;
  let stopping = false;
  let resolveDone: (how: 'stop' | 'closed') => void = () => {};
  const done = new Promise<'stop' | 'closed'>((resolve) => {
    resolveDone = resolve;
  });
  let server: repl.REPLServer;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    output.write(`${STOPPING}\n`);
    server.close();
  };
  const settings = {
    prompt: options.prompt,
    input: options.input,
    output,
    terminal: true,
    useColors: false,
    preview: false,
    ignoreUndefined: true,
    useGlobal: true,
    // Not in @types/node's ReplOptions, but passed on to readline by the REPL server (default 30).
    historySize: HISTORY_SIZE,
    completer: options.complete,
    // Never called: the REPL's line handler, which evaluates, is replaced below.
    eval: (_cmd: string, _context: unknown, _file: string, finish: (e: Error | null, r: unknown) => void) =>
      finish(null, undefined),
  };
  server = repl.start(settings);
  // Each line is Herald's: the REPL's own handler (JavaScript, `.` commands, multi-line input) is taken off,
  // so that a line is answered as in chat whatever it begins with, and no line runs inside the REPL's domain.
  server.removeAllListeners('line');
  server.on('line', (line: string) => {
    const text = line.trim();
    if ((SHELL_WORDS as readonly string[]).includes(text)) return stop();
    if (text) output.write(`${options.answer(text)}\n`);
    server.displayPrompt();
  });
  (server as unknown as WithHistory).history = readHistory(options.historyFile);
  let historyFailed = false;
  server.on('history', (history: string[]) => {
    try {
      // quit and exit are not kept: Up after a restart gives the last command, not the word that stopped.
      writeHistory(
        options.historyFile,
        history.filter((line) => !(SHELL_WORDS as readonly string[]).includes(line.trim())),
      );
    } catch (error) {
      if (!historyFailed) options.onHistoryError(error);
      historyFailed = true;
    }
  });
  // Ctrl-C stops Herald, as it did before the prompt put the terminal in raw mode (the REPL would only
  // clear the line and ask for a second one).
  server.removeAllListeners('SIGINT');
  server.on('SIGINT', stop);
  // Ctrl-D at an empty line closes the REPL: Herald stops too, rather than serve on with no prompt.
  server.on('exit', () => {
    if (closedByHerald) return resolveDone('closed');
    if (!stopping) {
      stopping = true;
      output.write(`${STOPPING}\n`);
    }
    resolveDone('stop');
  });
  return {
    done,
    close() {
      closedByHerald = true;
      server.close();
    },
    say(text) {
      if (stopping || closedByHerald) {
        output.write(`${text}\n`);
        return;
      }
      // Above the line being typed, which is then drawn again as it was (cursor included).
      const { rows } = server.getCursorPos();
      readline.moveCursor(output, 0, -rows);
      readline.cursorTo(output, 0);
      readline.clearScreenDown(output);
      output.write(`${text}\n${'\n'.repeat(rows)}`);
      server.displayPrompt(true);
    },
  };
}
