// The `herald` command. Exit codes are part of the contract (DESIGN.md "Outputs and contract"):
// 0 success, 1 the command was refused (reason on standard error), 2 a configuration error,
// 3 an unexpected failure (a bug, or the disk refusing a write: see the log on standard error).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createShellAdapter } from './adapters/chat/shell.js';
import {
  type ChatAdapters,
  createChatAdapters,
  createHerald,
  type Herald,
  PUBLISH_INTERVAL_MS,
} from './app.js';
import type { Actor } from './bot/types.js';
import { type Config, loadConfig } from './config.js';
import { STATUS_BLOG_EPILOGUE, STATUS_BLOG_STORY } from './demo/status-blog.js';
import { EXIT } from './exit-codes.js';
import { type Logger, loggerFor } from './logger.js';
import { createShellBoard } from './monitors/shell-board.js';
import { acquireDataLock, type DataLock, DataLockedError, runningHolder } from './ops/data-lock.js';
import { type DeliveryPlan, readDeliveryPlan, writeDeliveryPlan } from './ops/delivery-plan.js';
import { guardProcess } from './process-guard.js';
import { newRequestId } from './request-id.js';
import { SCHEDULER_POLL_MS } from './scheduler.js';
import { createHttpApp, listen, type RunningServer } from './server.js';
import { SchemaTooNewError } from './store/migrate.js';
import { upgradeDatabase } from './store/upgrade.js';
import { renderDeliveryNotice, renderReplyText } from './templates/reply-text.js';

export { EXIT };

const USAGE = `herald: publishes a hosting provider's system status

Usage:
  herald start                    the shell prompt (each line a command), plus every configured adapter
  herald run '<command>' [--as NAME]
                                  one command, as typed in chat; prints the reply
  herald publish [--rebuild]      deliver what is pending once and rebuild the site (--rebuild: every page)
  herald serve                    the status site alone, on HERALD_HOST:HERALD_PORT
  herald slack manifest [--url https://…] [--json]
                                  the Slack app manifest (Socket Mode, or HTTP mode at --url)
  herald discord register [--guild ID]
                                  register /status with Discord (globally, or in one guild at once)
  herald demo [--dir DIR] [--no-serve]
                                  a fresh folder (default ./demo) with the reference blog's story, then serve it
  herald backup <file|folder> [--force]
                                  a consistent copy of the database, taken while Herald runs; into a folder
                                  as herald-<UTC time>.db (docs/backups.md)
  herald restore <file>           put a backup in place of the database (Herald stopped; the old one kept aside)
  herald doctor                   check the configuration, each platform's credentials, the database and
                                  the folders; says how to fix each problem (exit 1: a check failed)
  herald import <file|URL>        an old status blog's history from its RSS or Atom feed: incidents and
                                  posts with their original dates and tags, on the site only (docs/import.md)
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

/** The logger as configured, or the exit code when LOG_FILE cannot be written. */
function loggerOrExit(config: Config, io: Io, oneShot: boolean): Logger | number {
  try {
    return loggerFor(config.logging, { oneShot });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(
      `herald: cannot write the log file ${config.logging.file} (${code ?? String(error)}); set LOG_FILE to a writable path\n`,
    );
    return EXIT.config;
  }
}

async function openOrExit(
  config: Config,
  log: Logger,
  io: Io,
  publishOnChange = true,
  plan?: DeliveryPlan,
): Promise<Herald | number> {
  try {
    // A database of an older Herald is backed up as it was (data/backups/), then migrated.
    const backupsDir = path.join(config.paths.dataDir, 'backups');
    await upgradeDatabase(config.paths.database, { backupsDir, log });
    return createHerald(config, { log, publishOnChange, ...(plan ? { plan } : {}) });
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
  const opened = await openHerald(io, { oneShot: true, publishOnChange: false, followPlan: true });
  if (typeof opened === 'number') return opened;
  const { config, herald } = opened;
  try {
    const outcome = herald.handle({ text, actor: shellActor(as), requestId: newRequestId('run') });
    const rendered = renderReplyText(outcome, config.core, herald.dryOutlets);
    if (outcome.kind === 'refused') {
      io.stderr.write(`${rendered}\n`);
      return EXIT.refused;
    }
    io.stdout.write(`${rendered}\n`);
    if (outcome.kind === 'recorded' && outcome.deliveries.length > 0) {
      const waiting = whoDelivers(config.paths.dataDir);
      if (waiting) io.stdout.write(`${waiting}\n`);
    }
    return EXIT.ok;
  } finally {
    await herald.close();
  }
}

/**
 * For `herald run`'s answer: who will deliver what it recorded. The running `herald start` (which wrote the
 * outlets the deliveries were made for), or nobody yet.
 */
function whoDelivers(dataDir: string): string | null {
  const pid = runningHolder(dataDir);
  if (pid !== null) return `  Delivered by the running Herald (pid ${pid}), with its credentials.`;
  const planned = readDeliveryPlan(dataDir) !== null;
  return `  No Herald is running on this data folder: the deliveries wait for \`herald start\` or \`herald publish\`${planned ? ' (made for the outlets the last herald start had)' : ''}.`;
}

interface Opened {
  config: Config;
  log: Logger;
  herald: Herald;
  /** Gives up the data folder's lock, if `lock` was asked for. */
  release(): void;
}

function lockOrExit(dataDir: string, io: Io): DataLock | number {
  try {
    return acquireDataLock(dataDir);
  } catch (error) {
    if (!(error instanceof DataLockedError)) throw error;
    io.stderr.write(`herald: ${error.message}\n`);
    return EXIT.refused;
  }
}

/**
 * Configuration, logger and Herald, or the exit code that says why not. One-shot commands (`run`,
 * `publish`) log only warnings by default, so that their standard output stays the answer.
 */
async function openHerald(
  io: Io,
  options: {
    oneShot: boolean;
    publishOnChange?: boolean;
    lock?: boolean;
    /** Record for the outlets of the Herald that delivers (`herald run`): see src/ops/delivery-plan.ts. */
    followPlan?: boolean;
  },
): Promise<Opened | number> {
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  const log = loggerOrExit(config, io, options.oneShot);
  if (typeof log === 'number') return log;
  // Taken before the database is opened: one Herald upgrades it, and `herald restore` waits its turn.
  const lock = options.lock ? lockOrExit(config.paths.dataDir, io) : undefined;
  if (typeof lock === 'number') return lock;
  const release = () => lock?.release();
  let herald: Herald | number;
  try {
    const plan = options.followPlan ? readDeliveryPlan(config.paths.dataDir) : null;
    herald = await openOrExit(config, log, io, options.publishOnChange ?? true, plan ?? undefined);
  } catch (error) {
    release();
    throw error;
  }
  if (typeof herald === 'number') release();
  return typeof herald === 'number' ? herald : { config, log, herald, release };
}

/** Resolves at the first SIGINT or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

async function listenOrExit(
  herald: Herald,
  io: Io,
  log: Logger,
  routes: ChatAdapters['routes'] = [],
): Promise<RunningServer | number> {
  const { config } = herald;
  const app = createHttpApp({
    publicDir: config.paths.publicDir,
    health: () => herald.health(),
    metrics: herald.metrics,
    log,
    routes,
  });
  try {
    return await listen(app, config.http.host, config.http.port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(
      `herald: cannot serve on ${config.http.host}:${config.http.port} (${code ?? String(error)}); set HERALD_PORT or HERALD_HOST\n`,
    );
    return EXIT.config;
  }
}

async function start(io: Io): Promise<number> {
  // One `herald start` per data folder: a second one, or `herald restore`, is refused while it runs.
  const opened = await openHerald(io, { oneShot: false, lock: true });
  if (typeof opened === 'number') return opened;
  const { config, log, herald, release } = opened;
  // What goes where is this Herald's to decide: `herald run` records for these outlets (docs/contract.md).
  writeDeliveryPlan(config.paths.dataDir, {
    outlets: [...herald.settings.outlets],
    dry: [...herald.dryOutlets],
    pid: process.pid,
    writtenAt: Date.now(),
  });
  const signal = untilSignal();
  // From here on, nothing a request does ends the process (an unexpected failure while starting still
  // reaches main() and exits 3).
  const unguard = guardProcess(log);
  try {
    // Every page is rewritten from the database at start (the site's recovery after a crash), in the
    // background: Herald answers at once however long the history is.
    const stopRebuild = new AbortController();
    const rebuilt = herald.site
      .rebuildInBackground({ signal: stopRebuild.signal })
      .then((files) => log.info({ files }, 'site rebuilt'))
      .catch((error) => log.error({ err: error }, 'rebuilding the site failed'));
    const chat = await createChatAdapters(herald, log);
    const server = await listenOrExit(herald, io, log, chat.routes);
    if (typeof server === 'number') return server;
    herald.publisher.start(PUBLISH_INTERVAL_MS);
    try {
      await chat.start();
    } catch (error) {
      // A chat platform that is down must not keep the shell, the site and the other outlets from running.
      log.error({ err: error }, 'a chat adapter could not start; Herald runs on without it');
    }
    const zones = config.core.zones.map((z) => z.label).join(' and ');
    const shell = createShellAdapter({
      input: io.stdin,
      output: io.stdout,
      actor: shellActor(undefined),
      handle: herald.handle,
      render: (o) => renderReplyText(o, config.core, herald.dryOutlets),
      onError: (error, text, requestId) =>
        log.child({ requestId }).error({ err: error, text }, 'command failed'),
      banner: [
        `Herald: ${config.site.title}`,
        `Status site on ${server.url} (files in ${config.paths.publicDir}); database ${config.paths.database}.`,
        `Times in UTC${zones ? `, with ${zones}` : ''}. Type a command, e.g.  nc018 smtp down "spam cleanup"  or  help.`,
        'End of input (Ctrl-D) closes the shell; Herald serves on until Ctrl-C.',
      ].join('\n'),
    });
    const stopNotices = herald.onDelivery((notice) => {
      const line = renderDeliveryNotice(notice, config.core);
      if (line) io.stdout.write(`\n${line}\n`);
    });
    // Herald's questions to shell users (is the maintenance complete?) are a line at the prompt.
    const stopPrompts = herald.servePrompts('shell', async (question) => {
      io.stdout.write(`\n${question.line}\n`);
    });
    // Monitors' proposals (issue 17) are lines at the prompt too.
    const stopBoard = herald.monitors.addBoard(
      createShellBoard({ write: (t) => io.stdout.write(`\n${t}\n`) }),
    );
    // Once every surface that can be asked a question is on: what fell due while Herald was down is done
    // now, then each step at its time (docs/maintenance.md).
    herald.scheduler.start(SCHEDULER_POLL_MS);
    // The shell ends with its input; the server keeps Herald running until a signal.
    await Promise.race([shell.run(), signal]);
    const got = await signal;
    log.info({ signal: got }, 'stopping');
    stopRebuild.abort();
    await rebuilt;
    shell.close();
    stopNotices();
    await herald.scheduler.stop();
    stopPrompts();
    stopBoard();
    // Chat first: new requests are refused (not acknowledged: the platforms retry), the inbox's worker
    // finishes the row in hand; the server closes after, and the database last (herald.close()).
    await chat.stop();
    await server.close();
    return EXIT.ok;
  } finally {
    await herald.close();
    unguard();
    release();
  }
}

async function publish(args: string[], io: Io): Promise<number> {
  const rebuild = args.includes('--rebuild');
  const unknown = args.filter((a) => a !== '--rebuild');
  if (unknown.length) {
    io.stderr.write(`herald publish: unknown argument ${unknown.join(' ')} (only --rebuild)\n`);
    return EXIT.config;
  }
  const opened = await openHerald(io, { oneShot: true });
  if (typeof opened === 'number') return opened;
  const { config, herald } = opened;
  try {
    const reports = await herald.publisher.runOnce();
    const written = rebuild ? herald.site.rebuild() : [];
    for (const r of reports) {
      io.stdout.write(`${r.outlet}: ${r.sent} sent, ${r.retrying} to retry, ${r.failed} failed\n`);
      for (const e of r.errors) io.stdout.write(`  ${e}\n`);
    }
    const waiting = herald.store.deliveries({ status: 'pending' });
    const byOutlet = new Map<string, number>();
    for (const d of waiting) byOutlet.set(d.outlet, (byOutlet.get(d.outlet) ?? 0) + 1);
    for (const [outlet, n] of byOutlet) io.stdout.write(`${outlet}: ${n} still pending\n`);
    if (rebuild) io.stdout.write(`site: rebuilt ${written.length} files in ${config.paths.publicDir}\n`);
    return EXIT.ok;
  } finally {
    await herald.close();
  }
}

async function serve(io: Io): Promise<number> {
  const opened = await openHerald(io, { oneShot: false });
  if (typeof opened === 'number') return opened;
  const { config, log, herald } = opened;
  const signal = untilSignal();
  try {
    const server = await listenOrExit(herald, io, log);
    if (typeof server === 'number') return server;
    io.stdout.write(`Serving ${config.paths.publicDir} on ${server.url} (Ctrl-C stops)\n`);
    await signal;
    await server.close();
    return EXIT.ok;
  } finally {
    await herald.close();
  }
}

async function demo(args: string[], io: Io): Promise<number> {
  let dir = 'demo';
  let serveAfter = true;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dir' && args[i + 1]) dir = args[++i] as string;
    else if (args[i] === '--no-serve') serveAfter = false;
    else {
      io.stderr.write(`herald demo: unknown argument ${args[i]} (--dir DIR, --no-serve)\n`);
      return EXIT.config;
    }
  }
  const root = path.resolve(io.cwd, dir);
  const dataDir = path.join(root, 'data');
  if (fs.existsSync(path.join(dataDir, 'herald.db'))) {
    io.stderr.write(
      `herald demo: ${dataDir} already holds a database; remove ${root} or give another --dir\n`,
    );
    return EXIT.refused;
  }
  const env = { ...io.env, HERALD_DATA_DIR: dataDir, HERALD_PUBLIC_DIR: path.join(root, 'public') };
  const loaded = configOrExit({ ...io, env });
  if (typeof loaded === 'number') return loaded;
  // The story is published to the site only: a demo must never post to real social accounts.
  const config = { ...loaded, core: { ...loaded.core, outlets: ['site'] } };
  const log = loggerOrExit(config, io, true);
  if (typeof log === 'number') return log;
  let now = 0;
  const herald = createHerald(config, { log, clock: { now: () => now } });
  try {
    for (const step of [...STATUS_BLOG_STORY, ...STATUS_BLOG_EPILOGUE]) {
      now = Date.parse(step.at);
      const outcome = herald.handle({
        text: step.command,
        actor: { platform: 'shell', id: 'ninernet', name: 'NinerNet' },
      });
      if (outcome.kind !== 'recorded')
        throw new Error(`the demo story was refused at ${step.at}: ${JSON.stringify(outcome)}`);
    }
    now = Date.now();
    await herald.publisher.runOnce();
    const written = herald.site.rebuild();
    io.stdout.write(
      `Demo: ${STATUS_BLOG_STORY.length} posts of the reference blog (and ${STATUS_BLOG_EPILOGUE.length} closing its notices) in ${dataDir}; ${written.length} site files in ${config.paths.publicDir}\n`,
    );
  } finally {
    await herald.close();
  }
  if (!serveAfter) return EXIT.ok;
  return serve({ ...io, env });
}

/** `herald slack manifest [--url https://status.example.net] [--json]`: the app manifest to paste into Slack. */
async function slackCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  let publicUrl: string | null = null;
  let format: 'yaml' | 'json' = 'yaml';
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--url' && rest[i + 1]) publicUrl = rest[++i] ?? null;
    else if (rest[i] === '--json') format = 'json';
    else {
      io.stderr.write(`herald slack manifest: unknown argument ${rest[i]} (--url https://…, --json)\n`);
      return EXIT.config;
    }
  }
  if (sub !== 'manifest') {
    io.stderr.write('usage: herald slack manifest [--url https://your.herald.host] [--json]\n');
    return EXIT.config;
  }
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  const { slackManifest } = await import('./adapters/chat/slack-manifest.js');
  try {
    io.stdout.write(
      `${slackManifest({
        name: 'Herald',
        publicUrl,
        groups: config.core.staff.slack.groups.length > 0,
        announce: Boolean(config.slack?.announceChannel),
        format,
      })}\n`,
    );
  } catch (error) {
    io.stderr.write(`herald slack manifest: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.config;
  }
  return EXIT.ok;
}

/** `herald discord register [--guild ID]`: registers /status with Discord and prints what it did. */
async function discordCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  let guildId: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--guild' && rest[i + 1]) guildId = rest[++i];
    else {
      io.stderr.write(`herald discord register: unknown argument ${rest[i]} (--guild ID)\n`);
      return EXIT.config;
    }
  }
  if (sub !== 'register') {
    io.stderr.write('usage: herald discord register [--guild ID]\n');
    return EXIT.config;
  }
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  const token = config.discord?.token;
  const applicationId = config.discord?.applicationId;
  if (!config.discord || !token || !applicationId) {
    io.stderr.write(
      'herald discord register: set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see docs/discord.md)\n',
    );
    return EXIT.config;
  }
  const { formatRegistration, registerDiscordCommands } = await import('./adapters/chat/discord-commands.js');
  const done = await registerDiscordCommands({
    token,
    applicationId,
    apiUrl: config.discord.apiUrl,
    guildId,
    messageLimit: config.core.messageLimit,
    templates: config.core.templates,
  });
  io.stdout.write(`${formatRegistration(done)}\n`);
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
      case 'publish':
        return await publish(rest, io);
      case 'serve':
        return await serve(io);
      case 'demo':
        return await demo(rest, io);
      case 'discord':
        return await discordCommand(rest, io);
      case 'slack':
        return await slackCommand(rest, io);
      case 'backup':
      case 'restore': {
        const config = configOrExit(io);
        if (typeof config === 'number') return config;
        const { backupCommand, restoreCommand } = await import('./ops/backup-commands.js');
        return command === 'backup'
          ? await backupCommand(rest, config, io)
          : restoreCommand(rest, config, io);
      }
      case 'doctor':
        return await (await import('./doctor/doctor.js')).runDoctor(io);
      case 'import': {
        const config = configOrExit(io);
        if (typeof config === 'number') return config;
        const { importCommand } = await import('./import/import-command.js');
        return await importCommand(rest, io, {
          config,
          actor: shellActor(undefined),
          open: () => openHerald(io, { oneShot: true, publishOnChange: false }),
        });
      }
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
