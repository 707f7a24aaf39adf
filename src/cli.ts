// The `herald` command. Exit codes are part of the contract (DESIGN.md "Outputs and contract"):
// 0 success, 1 the command was refused (reason on standard error), 2 a configuration error,
// 3 an unexpected failure (a bug, or the disk refusing a write: see the log on standard error).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createShellAdapter } from './adapters/chat/shell.js';
import { createHerald, type Herald } from './app.js';
import type { Actor } from './bot/types.js';
import { type Config, loadConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { SchemaTooNewError } from './store/migrate.js';
import { renderReplyText } from './templates/reply-text.js';

export const EXIT = { ok: 0, refused: 1, config: 2, failure: 3 } as const;

const USAGE = `herald: publishes a hosting provider's system status

Usage:
  herald start                    the shell prompt (each line a command), plus every configured adapter
  herald run '<command>' [--as NAME]
                                  one command, as typed in chat; prints the reply
  herald help [topic]             the command grammar

Exit codes: 0 success, 1 refused (the reason on standard error), 2 configuration error, 3 unexpected failure.
Environment: HERALD_CONFIG, HERALD_DATA_DIR, HERALD_PUBLIC_DIR, HERALD_PORT, LOG_LEVEL (see .env.example).`;

interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIo = (): Io => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});

/** `.env` in the working folder, if any, fills in what the environment does not already say. */
function loadDotEnv(io: Io): void {
  const file = path.join(io.cwd, '.env');
  if (io.env === process.env && fs.existsSync(file)) process.loadEnvFile(file);
}

function shellActor(name: string | undefined): Actor {
  const id = name ?? safeUserName();
  return { platform: 'shell', id, name: id };
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'shell';
  }
}

function configOrExit(io: Io): Config | number {
  const result = loadConfig(io.env, io.cwd);
  if (result.ok) return result.config;
  io.stderr.write(`herald: the configuration has ${result.problems.length} problem(s):\n`);
  for (const p of result.problems) io.stderr.write(`  - ${p}\n`);
  return EXIT.config;
}

function openOrExit(config: Config, log: Logger, io: Io): Herald | number {
  try {
    return createHerald(config, { log });
  } catch (error) {
    if (error instanceof SchemaTooNewError) {
      io.stderr.write(`herald: ${error.message}\n`);
      return EXIT.config;
    }
    throw error;
  }
}

async function runOne(args: string[], io: Io): Promise<number> {
  // Only --as is Herald's; everything else is the command text (which has options of its own, like --at).
  let as: string | undefined;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--as') {
      as = args[++i];
      if (!as) {
        io.stderr.write('herald: --as needs a name\n');
        return EXIT.config;
      }
    } else if (a.startsWith('--as=')) as = a.slice(5);
    else words.push(a);
  }
  const text = words.join(' ');
  if (!text.trim()) {
    io.stderr.write(`herald: nothing to run: give a command, e.g. herald run 'list' or herald run 'help'\n`);
    return EXIT.refused;
  }
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const herald = openOrExit(config, log, io);
  if (typeof herald === 'number') return herald;
  try {
    const outcome = herald.handle({ text, actor: shellActor(as) });
    const rendered = renderReplyText(outcome, config.core);
    if (outcome.kind === 'refused') {
      io.stderr.write(`${rendered}\n`);
      return EXIT.refused;
    }
    io.stdout.write(`${rendered}\n`);
    return EXIT.ok;
  } finally {
    herald.close();
  }
}

async function start(io: Io): Promise<number> {
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  const log = createLogger(config.logLevel);
  const herald = openOrExit(config, log, io);
  if (typeof herald === 'number') return herald;
  const zones = config.core.zones.map((z) => z.label).join(' and ');
  const shell = createShellAdapter({
    input: io.stdin,
    output: io.stdout,
    actor: shellActor(undefined),
    handle: herald.handle,
    render: (o) => renderReplyText(o, config.core),
    onError: (error, text) => log.error({ err: error, text }, 'command failed'),
    banner: [
      `Herald: ${config.site.title}`,
      `Database ${config.paths.database}. Times in UTC${zones ? `, with ${zones}` : ''}.`,
      `Type a command, e.g.  nc018 smtp down "spam cleanup"  or  help.  Ctrl-D ends the shell.`,
    ].join('\n'),
  });
  try {
    await shell.run();
  } finally {
    herald.close();
  }
  return EXIT.ok;
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    loadDotEnv(io);
    switch (command) {
      case 'start':
        return await start(io);
      case 'run':
        return await runOne(rest, io);
      case 'help':
      case undefined: {
        if (command === 'help' && rest.length) return await runOne([`help ${rest.join(' ')}`], io);
        io.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
      }
      case '--help':
      case '-h':
        io.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
      default:
        io.stderr.write(`herald: unknown command "${command}"\n\n${USAGE}\n`);
        return EXIT.config;
    }
  } catch (error) {
    io.stderr.write(
      `herald: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failure;
  }
}
