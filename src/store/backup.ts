// Online backups through SQLite's backup API (better-sqlite3's db.backup()): a consistent copy of the
// database as one committed moment left it, taken while Herald goes on writing. The copy is written under a
// temporary name beside its destination, checked, made a plain single-file database, synced and only then
// given its name, so a backup file that exists is always whole.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDatabase } from './open-database.js';

/** What a Herald database holds, as `herald backup` and `herald restore` report it. */
export interface DatabaseSummary {
  schemaVersion: number;
  incidents: number;
  posts: number;
  /** Deliveries not yet sent (pending, or failed and to be retried). */
  unsent: number;
}

export interface BackupResult extends DatabaseSummary {
  file: string;
  bytes: number;
}

/** Thrown when the destination exists and overwriting was not asked for. */
export class BackupExistsError extends Error {
  override name = 'BackupExistsError';

  constructor(readonly file: string) {
    super(`${file} already exists (give --force to replace it)`);
  }
}

// Every page in one step: the step runs inside one read transaction, so the copy is a single snapshot. In
// smaller steps, a write by another process between two steps restarts the copy, and a busy Herald could
// keep restarting it.
const ALL_PAGES = 0x7fffffff;

const count = (db: SqliteDatabase, table: string, where = ''): number => {
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table);
  return exists ? (db.prepare(`SELECT count(*) FROM ${table} ${where}`).pluck().get() as number) : 0;
};

/** The schema version and how many incidents, posts and unsent deliveries `db` holds. */
export function summarizeDatabase(db: SqliteDatabase): DatabaseSummary {
  return {
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    incidents: count(db, 'incidents'),
    posts: count(db, 'posts'),
    unsent: count(db, 'deliveries', "WHERE status <> 'sent'"),
  };
}

/** `PRAGMA integrity_check`'s findings: empty when the database is sound. */
export function integrityProblems(db: SqliteDatabase): string[] {
  const rows = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
  const found = rows.map((r) => r.integrity_check);
  return found.length === 1 && found[0] === 'ok' ? [] : found;
}

/** fsyncs a file, or a folder so that a rename in it survives a power cut. */
export function syncPath(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copies the database `db` is open on to `file`. Refuses (BackupExistsError) to replace an existing file
 * unless `overwrite`; the destination's folder must exist.
 */
export async function backupDatabase(
  db: SqliteDatabase,
  file: string,
  options: { overwrite?: boolean } = {},
): Promise<BackupResult> {
  const target = path.resolve(file);
  if (!options.overwrite && fs.existsSync(target)) throw new BackupExistsError(target);
  const dir = path.dirname(target);
  const tmp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await db.backup(tmp, { progress: () => ALL_PAGES });
    const summary = finishCopy(tmp);
    syncPath(tmp);
    if (options.overwrite) fs.renameSync(tmp, target);
    else {
      // link, not rename: it fails if the destination appeared meanwhile, instead of replacing it.
      try {
        fs.linkSync(tmp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupExistsError(target);
        // A file system without hard links (a network share, FAT): check, then rename.
        if (fs.existsSync(target)) throw new BackupExistsError(target);
        fs.renameSync(tmp, target);
      }
    }
    syncPath(dir);
    return { file: target, bytes: fs.statSync(target).size, ...summary };
  } finally {
    for (const leftover of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`])
      fs.rmSync(leftover, { force: true });
  }
}

/**
 * Checks the fresh copy and makes it a plain rollback-journal database: the copy inherits WAL mode from
 * its source, and a WAL database opened read-only leaves -wal and -shm files beside it. Herald switches a
 * restored database back to WAL when it opens it.
 */
function finishCopy(file: string): DatabaseSummary {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const problems = integrityProblems(copy);
    if (problems.length) throw new Error(`the copy failed its integrity check: ${problems.join('; ')}`);
    return summarizeDatabase(copy);
  } finally {
    copy.close();
  }
}
