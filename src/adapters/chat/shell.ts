// The local shell: a prompt on standard input where each line is a command, as typed in chat.

import readline from 'node:readline';
import type { CommandInput, Outcome } from '../../bot/handle-command.js';
import type { Actor } from '../../bot/types.js';
import { newRequestId } from '../../request-id.js';

export interface ShellAdapterOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  actor: Actor;
  handle: (input: CommandInput) => Outcome;
  render: (outcome: Outcome) => string;
  /** Called for an unexpected error: log it with context; the user gets a short apology. */
  onError: (error: unknown, text: string, requestId: string) => void;
  banner?: string;
}

export interface ShellAdapter {
  /** Resolves when the input ends (or close() is called). */
  run(): Promise<void>;
  /** Stops reading, so that an open standard input does not keep Herald from exiting. */
  close(): void;
}

export function createShellAdapter(options: ShellAdapterOptions): ShellAdapter {
  const { input, output, actor, handle, render, onError } = options;
  let rl: readline.Interface | null = null;
  return {
    close() {
      rl?.close();
      if ('pause' in input && typeof input.pause === 'function') input.pause();
      if ('unref' in input && typeof (input as { unref?: () => void }).unref === 'function')
        (input as { unref: () => void }).unref();
    },
    run() {
      rl = readline.createInterface({ input, output, prompt: 'herald> ', terminal: false });
      const lines = rl;
      if (options.banner) output.write(`${options.banner}\n`);
      lines.prompt();
      return new Promise<void>((resolve) => {
        lines.on('line', (line) => {
          const text = line.trim();
          if (text === 'quit' || text === 'exit') {
            lines.close();
            return;
          }
          if (text) {
            const requestId = newRequestId('shell');
            try {
              output.write(`${render(handle({ text, actor, requestId }))}\n`);
            } catch (error) {
              onError(error, text, requestId);
              output.write(
                'Sorry: something went wrong inside Herald and nothing was recorded. It has been logged.\n',
              );
            }
          }
          lines.prompt();
        });
        lines.on('close', () => {
          output.write('\n');
          resolve();
        });
      });
    },
  };
}
