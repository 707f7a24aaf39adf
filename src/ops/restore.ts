// `herald restore`: puts a backup in the place of HERALD_DATA_DIR/herald.db. The backup is copied beside
// the database and checked there (the operator's file is only read); the database it replaces is kept
// aside, with its write-ahead log if it has one; nothing happens while any process has the database open.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type DatabaseSummary, integrityProblems, summarizeDatabase, syncPath } from '../store/backup.js';
import { latestSchemaVersion } from '../store/migrate.js';
import { fileStamp } from '../store/upgrade.js';
import { acquireDataLock, DataLockedError } from './data-lock.js';

/** The restore was refused; the message says why, and nothing was changed. */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

export interface RestoreResult extends DatabaseSummary {
  database: string;
  /** Where the database that was replaced now is; null when there was none. */
  keptAt: string | null;
  /** The highest incident number in the restored database (0 when it holds none). */
  lastIncident: number;
}

const sqliteCode = (error: unknown): string | undefined =>
  error instanceof Database.SqliteError ? error.code : undefined;

/** Opens the copy and checks that it is a sound Herald database this Herald can run. */
function checkCandidate(file: string, shown: string): DatabaseSummary & { lastIncident: number } {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const problems = integrityProblems(db);
    if (problems.length) {
      throw new RestoreRefusedError(`${shown} fails its integrity check: ${problems.slice(0, 5).join('; ')}`);
    }
    const summary = summarizeDatabase(db);
    const latest = latestSchemaVersion();
    if (summary.schemaVersion > latest) {
      throw new RestoreRefusedError(
        `${shown} was written by a newer Herald (schema version ${summary.schemaVersion}; this one knows up ` +
          `to ${latest}): upgrade Herald first`,
      );
    }
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('incidents', 'posts')")
      .pluck()
      .all();
    if (summary.schemaVersion < 1 || tables.length < 2) {
      throw new RestoreRefusedError(
        `${shown} is an SQLite database, but not Herald's (no incidents and posts)`,
      );
    }
    const lastIncident = db.prepare('SELECT coalesce(max(id), 0) FROM incidents').pluck().get() as number;
    return { ...summary, lastIncident };
  } catch (error) {
    if (error instanceof RestoreRefusedError) throw error;
    const code = sqliteCode(error);
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new RestoreRefusedError(`${shown} is not a sound SQLite database (${(error as Error).message})`);
    }
    throw error;
  } finally {
    db?.close();
  }
}

/**
 * Refuses while another process (a `herald serve`, a `herald run`, a backup, a tool) has the database
 * open: in WAL mode each of them holds a shared lock, so an exclusive one is refused. Closing this
 * connection also checkpoints the write-ahead log into the file that is about to be kept aside.
 */
function ensureNotInUse(database: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(database, { fileMustExist: true, timeout: 2_000 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    if (sqliteCode(error)?.startsWith('SQLITE_BUSY')) {
      throw new RestoreRefusedError(
        `${database} is open in another process (a herald serve, herald run, herald backup or another ` +
          'tool): stop it first',
      );
    }
    // A damaged database (often why one restores) cannot be locked or checkpointed: it is kept aside as
    // it is, with its write-ahead log.
  } finally {
    db?.close();
  }
}

/** A name beside `file` that does not exist yet: `<file>.before-restore-<stamp>[-n]`. */
function asideName(file: string, now: Date): string {
  const base = `${file}.before-restore-${fileStamp(now)}`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/** Moves the database, with its write-ahead log or rollback journal, aside; its -shm index is dropped. */
function keepAside(database: string, now: Date): string {
  const aside = asideName(database, now);
  fs.renameSync(database, aside);
  for (const suffix of ['-wal', '-journal']) {
    if (fs.existsSync(database + suffix)) fs.renameSync(database + suffix, aside + suffix);
  }
  fs.rmSync(`${database}-shm`, { force: true });
  return aside;
}

export function restoreDatabase(options: {
  backup: string;
  database: string;
  now?: () => Date;
}): RestoreResult {
  const backup = path.resolve(options.backup);
  const database = path.resolve(options.database);
  const now = options.now?.() ?? new Date();
  if (!fs.statSync(backup, { throwIfNoEntry: false })?.isFile()) {
    throw new RestoreRefusedError(`${backup}: no such file`);
  }
  if (backup === database) throw new RestoreRefusedError(`${backup} is the database itself`);
  const dataDir = path.dirname(database);
  let lock: ReturnType<typeof acquireDataLock>;
  try {
    lock = acquireDataLock(dataDir);
  } catch (error) {
    if (error instanceof DataLockedError) throw new RestoreRefusedError(error.message);
    throw error;
  }
  const tmp = path.join(
    dataDir,
    `.${path.basename(database)}.restoring.${crypto.randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    fs.copyFileSync(backup, tmp);
    const summary = checkCandidate(tmp, backup);
    syncPath(tmp);
    let keptAt: string | null = null;
    if (fs.existsSync(database)) {
      ensureNotInUse(database);
      keptAt = keepAside(database, now);
    }
    // A -wal or -shm left without its database (removed by hand) would be taken for the restored one's.
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(database + suffix, { force: true });
    fs.renameSync(tmp, database);
    syncPath(dataDir);
    return { database, keptAt, ...summary };
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(tmp + suffix, { force: true });
    lock.release();
  }
}
