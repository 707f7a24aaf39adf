// Opens herald.db with the settings Herald relies on. The composition root calls this once; tests call it
// with a temp file or `:memory:`.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** Open an existing database for reading only (e.g. `herald serve` next to a running bot). */
  readonly?: boolean;
}

const isInMemory = (file: string): boolean => file === ':memory:' || file === '';

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const readonly = options.readonly === true;
  if (!isInMemory(file) && !readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { readonly, fileMustExist: readonly });
  try {
    // WAL lets the site and the publisher read while a command writes. Switching to it is a write, so a
    // read-only connection takes whatever mode the file is already in.
    if (!readonly) db.pragma('journal_mode = WAL');
    // FULL syncs the WAL on every commit: a command we acknowledged survives a power cut.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
