// The shell's history, kept across restarts in the data folder: one command a line, oldest first, the
// newest HISTORY_SIZE only. Written whole after each command (write and rename, so that a crash leaves the
// old file or the new one), readable by its owner alone: commands name incidents and people.

import fs from 'node:fs';
import path from 'node:path';

export const HISTORY_SIZE = 1000;
export const HISTORY_FILE_NAME = 'shell-history';

/** The saved commands, newest first (as readline keeps them); none if the file is missing or unreadable. */
export function readHistory(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-HISTORY_SIZE)
    .reverse();
}

/** Saves readline's history (newest first) as the file keeps it; mode 0600 whatever the umask. */
export function writeHistory(file: string, newestFirst: readonly string[]): void {
  const lines = newestFirst.slice(0, HISTORY_SIZE).reverse();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}
