// What the `herald` subcommands share: the terminal they talk to, the configuration, the logger, opening
// Herald (with the data folder's lock for `herald start`) and the HTTP server, each as a value or the exit
// code that says why not (docs/contract.md).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatAdapters, Herald } from '../app.js';
import type { Actor } from '../bot/types.js';
import { type Config, loadConfig } from '../config.js';
import { EXIT } from '../exit-codes.js';
import { type InteractiveLog, interactiveLogFile, type Logger, loggerFor } from '../logger.js';
import { acquireDataLock, type DataLock, DataLockedError } from '../ops/data-lock.js';
import { type DeliveryPlan, readDeliveryPlan } from '../ops/delivery-plan.js';
import type { RunningServer } from '../server.js';

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const defaultIo = (): Io => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});

/** `.env` in the working folder, if any, fills in what the environment does not already say. */
export function loadDotEnv(io: Io): void {
  const file = path.join(io.cwd, '.env');
  if (io.env === process.env && fs.existsSync(file)) process.loadEnvFile(file);
}

export function shellActor(name: string | undefined): Actor {
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

export function configOrExit(io: Io): Config | number {
  const result = loadConfig(io.env, io.cwd);
  if (result.ok) return result.config;
  io.stderr.write(`herald: the configuration has ${result.problems.length} problem(s):\n`);
  for (const p of result.problems) io.stderr.write(`  - ${p}\n`);
  return EXIT.config;
}

/** The logger as configured, or the exit code when LOG_FILE cannot be written. */
export function loggerOrExit(
  config: Config,
  io: Io,
  oneShot: boolean,
  interactive?: InteractiveLog,
): Logger | number {
  try {
    return loggerFor(config.logging, { oneShot, interactive });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const file = interactive ? interactiveLogFile(config.logging, interactive) : config.logging.file;
    io.stderr.write(
      `herald: cannot write the log file ${file} (${code ?? String(error)}); set LOG_FILE to a writable path\n`,
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
  // Imported when a command opens Herald: `herald --version` and `--help` need none of it.
  const [{ createHerald }, { SchemaTooNewError }, { upgradeDatabase }] = await Promise.all([
    import('../app.js'),
    import('../store/migrate.js'),
    import('../store/upgrade.js'),
  ]);
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

export interface Opened {
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
export async function openHerald(
  io: Io,
  options: {
    oneShot: boolean;
    publishOnChange?: boolean;
    lock?: boolean;
    /** Record for the outlets of the Herald that delivers (`herald run`): see src/ops/delivery-plan.ts. */
    followPlan?: boolean;
    /** A person at the prompt (`herald start` at a terminal): the log goes to a file (src/logger.ts). */
    interactive?: (config: Config) => InteractiveLog;
  },
): Promise<Opened | number> {
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  const log = loggerOrExit(config, io, options.oneShot, options.interactive?.(config));
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
export function untilSignal(): Promise<string> {
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

export async function listenOrExit(
  herald: Herald,
  io: Io,
  log: Logger,
  routes: ChatAdapters['routes'] = [],
): Promise<RunningServer | number> {
  const { config } = herald;
  const { createHttpApp, listen } = await import('../server.js');
  const app = createHttpApp({
    publicDir: config.paths.publicDir,
    health: () => herald.health(),
    metrics: herald.metrics,
    log,
    routes,
    trustProxy: config.http.trustProxy,
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

/**
 * What a module that adds commands to `herald` gets (src/subscribers/cli-commands.ts, for one): the terminal,
 * and `exitWith`, which turns a command's body into a commander action whose number becomes the exit code
 * (docs/contract.md: 0 done, 1 refused, 2 configuration or usage, 3 unexpected failure, which main() makes
 * of anything thrown).
 */
export interface CliContext {
  io: Io;
  exitWith<A extends unknown[]>(
    body: (...args: A) => Promise<number> | number,
  ): (...args: A) => Promise<void>;
}
