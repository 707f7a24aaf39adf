// Forward-only schema migrations: numbered plain-SQL files, the version kept inside the database as
// PRAGMA user_version, each step in its own transaction together with the version it reaches.

import fs from 'node:fs';
import path from 'node:path';
import type { SqliteDatabase } from './open-database.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Two levels under the project root both as src/store/migrate.ts and as dist/store/migrate.js, so this
// finds the SQL files whether run from source or compiled.
const MIGRATIONS_DIR = new URL('../../src/store/migrations/', import.meta.url);
const FILE_NAME = /^(\d+)-[a-z0-9-]+\.sql$/;

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';

  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `${file} is at schema version ${found} but this Herald knows only up to ${known}: ` +
        'upgrade Herald, or restore a backup',
    );
  }
}

/** Reads the migration files of `dir`, sorted by number; refuses gaps, duplicates and misnamed files. */
export function loadMigrations(dir: URL | string = MIGRATIONS_DIR): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .map((name) => {
      const match = FILE_NAME.exec(name);
      if (!match?.[1]) throw new Error(`migration file ${name}: expected a name like 002-add-things.sql`);
      const file = typeof dir === 'string' ? path.join(dir, name) : new URL(name, dir);
      return { version: Number(match[1]), name, sql: fs.readFileSync(file, 'utf8') };
    });
  return checkSequence(migrations);
}

function checkSequence(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration ${migration.name}: expected number ${index + 1} (numbers start at 1, no gaps)`,
      );
    }
  });
  return sorted;
}

let shipped: Migration[] | undefined;
const shippedMigrations = (): Migration[] => {
  shipped ??= loadMigrations();
  return shipped;
};

export function latestSchemaVersion(): number {
  return shippedMigrations().at(-1)?.version ?? 0;
}

const userVersion = (db: SqliteDatabase): number => {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new Error(`unexpected user_version ${String(version)}`);
  return version;
};

/**
 * Brings db up to the newest migration. A database newer than this Herald is refused before anything is
 * written; a failing step rolls back, leaving the database at the previous version.
 */
export function migrate(
  db: SqliteDatabase,
  migrations: readonly Migration[] = shippedMigrations(),
): { from: number; to: number } {
  const steps = checkSequence(migrations);
  const latest = steps.at(-1)?.version ?? 0;
  const from = userVersion(db);
  if (from > latest) throw new SchemaTooNewError(path.basename(db.name), from, latest);
  if (steps.every((step) => step.version <= from)) return { from, to: from };
  // A step may rebuild a table others refer to (SQLite's way to change a constraint: 009): foreign keys are
  // off while steps run (the pragma cannot change inside a transaction) and checked before each commits.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    for (const step of steps) {
      if (step.version <= from) continue;
      db.transaction(() => {
        // Another process may have migrated since we looked; IMMEDIATE makes this check and the step atomic.
        if (userVersion(db) >= step.version) return;
        db.exec(step.sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) {
          throw new Error(`migration ${step.name} breaks ${broken.length} foreign key reference(s)`);
        }
        db.pragma(`user_version = ${step.version}`);
      }).immediate();
    }
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
  return { from, to: userVersion(db) };
}
