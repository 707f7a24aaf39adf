// `herald backup <file> [--force]` and `herald restore <file>`, as src/cli.ts parses and runs them: what they print
// and the exit code (0 done, 1 refused, 2 a usage or configuration error; 3, a failure, is main()'s).

import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { EXIT } from '../exit-codes.js';
import { BackupExistsError, backupDatabase, type DatabaseSummary } from '../store/backup.js';
import { latestSchemaVersion } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';
import { fileStamp } from '../store/upgrade.js';
import { RestoreRefusedError, restoreDatabase } from './restore.js';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

const holding = (s: DatabaseSummary) =>
  `${plural(s.incidents, 'incident')}, ${plural(s.posts, 'post')} (schema version ${s.schemaVersion})`;

const sizeOf = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** What src/cli.ts parsed: the file or folder to write, and whether an existing file may be replaced. */
export interface BackupOptions {
  target: string;
  force: boolean;
}

export async function backupCommand(options: BackupOptions, config: Config, io: CommandIo): Promise<number> {
  const refuse = (why: string) => {
    io.stderr.write(`herald backup: ${why}\n`);
    return EXIT.refused;
  };
  const given = path.resolve(io.cwd, options.target);
  const isFolder = fs.statSync(given, { throwIfNoEntry: false })?.isDirectory() ?? false;
  // A trailing slash says "a folder": never write a file named like the folder that was meant.
  if (!isFolder && /[/\\]$/.test(options.target)) return refuse(`the folder ${given} does not exist`);
  // A folder gets a file named by the time: a schedule needs no shell to make up names.
  const target = isFolder ? path.join(given, `herald-${fileStamp(new Date())}.db`) : given;
  const { database } = config.paths;
  if (!fs.existsSync(database)) return refuse(`there is no database at ${database} yet: nothing to back up`);
  if (target === path.resolve(database)) return refuse(`${target} is the database itself`);
  if (!fs.statSync(path.dirname(target), { throwIfNoEntry: false })?.isDirectory()) {
    return refuse(`the folder ${path.dirname(target)} does not exist`);
  }
  const db = openDatabase(database);
  try {
    const done = await backupDatabase(db, target, { overwrite: options.force });
    io.stdout.write(`Backed up ${database} to ${done.file}: ${holding(done)}, ${sizeOf(done.bytes)}.\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof BackupExistsError) return refuse(error.message);
    throw error;
  } finally {
    db.close();
  }
}

/** Site pages of incidents the restored database does not hold: they would stay on the site. */
function pagesBeyond(publicDir: string, lastIncident: number): number[] {
  const dir = path.join(publicDir, 'incidents');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => /^(\d+)\.html$/.exec(name)?.[1])
    .map(Number)
    .filter((n) => n > lastIncident)
    .sort((a, b) => a - b);
}

export function restoreCommand(file: string, config: Config, io: CommandIo): number {
  let done: ReturnType<typeof restoreDatabase>;
  try {
    done = restoreDatabase({ backup: path.resolve(io.cwd, file), database: config.paths.database });
  } catch (error) {
    if (!(error instanceof RestoreRefusedError)) throw error;
    io.stderr.write(`herald restore: ${error.message}; nothing was changed\n`);
    return EXIT.refused;
  }
  const lines = [`Restored ${path.resolve(io.cwd, file)} to ${done.database}: ${holding(done)}.`];
  if (done.keptAt) lines.push(`The database it replaced is kept at ${done.keptAt}.`);
  const latest = latestSchemaVersion();
  if (done.schemaVersion < latest) {
    lines.push(`The next herald start backs it up and upgrades it to schema version ${latest}.`);
  }
  lines.push('herald start rewrites every page of the site from it.');
  if (done.unsent > 0) {
    lines.push(
      `${plural(done.unsent, 'delivery', 'deliveries')} had not been sent when the backup was taken: Herald ` +
        'sends them when it starts (any sent after the backup was taken go out again).',
    );
  }
  const beyond = pagesBeyond(config.paths.publicDir, done.lastIncident);
  if (beyond.length) {
    lines.push(
      `${plural(beyond.length, 'page')} in ${path.join(config.paths.publicDir, 'incidents')} ` +
        `(#${beyond[0]}${beyond.length > 1 ? ` to #${beyond.at(-1)}` : ''}) are of incidents this backup ` +
        'does not hold: remove them, or they stay on the site until new incidents take their numbers.',
    );
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
