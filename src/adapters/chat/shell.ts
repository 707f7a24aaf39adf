// The local shell: a prompt on standard input where each line is a command, as typed in chat.

import readline from 'node:readline';
import type { CommandInput, Outcome } from '../../bot/handle-command.js';
import type { Actor } from '../../bot/types.js';

export interface ShellAdapterOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  actor: Actor;
  handle: (input: CommandInput) => Outcome;
  render: (outcome: Outcome) => string;
  /** Called for an unexpected error: log it with context; the user gets a short apology. */
  onError: (error: unknown, text: string) => void;
  banner?: string;
}

export interface ShellAdapter {
  /** Resolves when the input ends. */
  run(): Promise<void>;
}

export function createShellAdapter(options: ShellAdapterOptions): ShellAdapter {
  const { input, output, actor, handle, render, onError } = options;
  return {
    run() {
      const rl = readline.createInterface({ input, output, prompt: 'herald> ', terminal: false });
      if (options.banner) output.write(`${options.banner}\n`);
      rl.prompt();
      return new Promise<void>((resolve) => {
        rl.on('line', (line) => {
          const text = line.trim();
          if (text === 'quit' || text === 'exit') {
            rl.close();
            return;
          }
          if (text) {
            try {
              output.write(`${render(handle({ text, actor }))}\n`);
            } catch (error) {
              onError(error, text);
              output.write(
                'Sorry: something went wrong inside Herald and nothing was recorded. It has been logged.\n',
              );
            }
          }
          rl.prompt();
        });
        rl.on('close', () => {
          output.write('\n');
          resolve();
        });
      });
    },
  };
}
