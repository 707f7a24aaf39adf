// `herald help [topic]`: the command grammar staff type in chat, at the shell and in `herald run` (the same
// text as `/status help`), read from the configuration alone: no database is opened, nothing is written.

import { helpText } from '../bot/help.js';
import { loadConfig } from '../config.js';
import { EXIT } from '../exit-codes.js';
import { configOrExit, type Io } from './common.js';

const WHERE_ELSE = [
  '',
  "At a terminal: type these at the `herald start` prompt, or one at a time with `herald run '<command>'`;",
  '`herald help <topic>` prints a topic here. The `herald` command itself: `herald --help`, and',
  '`herald <command> --help` for each of its commands (exit codes and settings: docs/contract.md).',
].join('\n');

export function grammarHelpCommand(topic: string | undefined, io: Io): number {
  if (topic === undefined) {
    // The overview needs no configuration: a broken one must not hide the grammar from a newcomer.
    const loaded = loadConfig(io.env, io.cwd);
    const core = loaded.ok ? loaded.config.core : null;
    io.stdout.write(`${helpText(null, core?.templates ?? [], core?.zones ?? [])}\n${WHERE_ELSE}\n`);
    return EXIT.ok;
  }
  // Topics such as `templates` and `times` read the configured templates and zones.
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  io.stdout.write(`${helpText(topic, config.core.templates, config.core.zones)}\n`);
  return EXIT.ok;
}
