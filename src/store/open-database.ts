// Opens herald.db with the settings Herald relies on. The composition root calls this once; tests call it
// with a temp file or `:memory:`.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SchemaTooNewError } from './migrate.js';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** Open an existing database for reading only (e.g. `herald serve` next to a running bot). */
  readonly?: boolean;
  /**
   * The newest schema version this Herald knows. A database above it is refused (SchemaTooNewError) before
   * anything is written to it, or even created beside it when it has no write-ahead log to replay.
   */
  newestSchema?: number;
}

const isInMemory = (file: string): boolean => file === ':memory:' || file === '';

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const readonly = options.readonly === true;
  const { newestSchema } = options;
  if (!isInMemory(file) && newestSchema !== undefined) refuseNewerFile(file, newestSchema);
  if (!isInMemory(file) && !readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { readonly, fileMustExist: readonly });
  try {
    db.pragma('busy_timeout = 5000');
    // FULL syncs the WAL on every commit: a command we acknowledged survives a power cut.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Checked again through SQLite, which reads a write-ahead log the file header does not show.
    if (newestSchema !== undefined) refuseNewer(db, path.basename(file), newestSchema);
    // WAL lets the site and the publisher read while a command writes. Switching to it is a write, so a
    // read-only connection takes whatever mode the file is already in.
    if (!readonly) db.pragma('journal_mode = WAL');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function refuseNewer(db: SqliteDatabase, name: string, newest: number): void {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version === 'number' && version > newest) throw new SchemaTooNewError(name, version, newest);
}

// The SQLite file format: a 100-byte header starting with this string; user_version is the big-endian
// 32-bit integer at offset 60 (https://www.sqlite.org/fileformat.html#the_database_header).
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads user_version from the file header, without SQLite: opening a database in WAL mode creates its
 * -wal and -shm files, and a database from a newer Herald is to be left exactly as it was. Only trusted
 * when there is no write-ahead log, whose frames may hold a newer header.
 */
function refuseNewerFile(file: string, newest: number): void {
  const wal = fs.statSync(`${file}-wal`, { throwIfNoEntry: false });
  if (wal && wal.size > 0) return;
  const header = readHeader(file);
  if (!header?.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return;
  const version = header.readInt32BE(60);
  if (version > newest) throw new SchemaTooNewError(path.basename(file), version, newest);
}

function readHeader(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const header = Buffer.alloc(100);
    return fs.readSync(fd, header, 0, 100, 0) === 100 ? header : undefined;
  } finally {
    fs.closeSync(fd);
  }
}
