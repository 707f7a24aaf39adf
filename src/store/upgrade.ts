// Upgrades at start: before a Herald applies its migrations to a database that holds data, it backs the
// database up as it was (HERALD_DATA_DIR/backups/herald-v<old>-<UTC stamp>.db), so that an upgrade that goes
// wrong, or a return to the previous Herald, is a `herald restore` away.

import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { BackupExistsError, backupDatabase } from './backup.js';
import { latestSchemaVersion, type Migration, migrate } from './migrate.js';
import { openDatabase, type SqliteDatabase } from './open-database.js';

export type UpgradeResult =
  | { kind: 'new' | 'current'; version: number }
  | { kind: 'migrated'; from: number; to: number; backup: string };

/** 2024-05-03T19:00:00.123Z → 20240503T190000Z: sorts by time, and is a safe file name everywhere. */
export const fileStamp = (at: Date): string =>
  at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(/[-:]/g, '');

const hasTables = (db: SqliteDatabase): boolean =>
  db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1").get() !== undefined;

/**
 * Brings the database at `file` to the newest schema, backing it up first when it holds data at an older
 * version. A database from a newer Herald is refused (SchemaTooNewError) and left untouched; a missing or
 * empty one is left to openStore, which creates the schema.
 */
export async function upgradeDatabase(
  file: string,
  options: { backupsDir: string; log: Logger; now?: () => Date; migrations?: readonly Migration[] },
): Promise<UpgradeResult> {
  if (!fs.existsSync(file)) return { kind: 'new', version: 0 };
  const latest = options.migrations?.at(-1)?.version ?? latestSchemaVersion();
  const db = openDatabase(file, { newestSchema: latest });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === latest) return { kind: 'current', version };
    if (version === 0 && !hasTables(db)) return { kind: 'new', version };
    fs.mkdirSync(options.backupsDir, { recursive: true });
    const stamp = fileStamp(options.now?.() ?? new Date());
    const backup = await backupBeforeMigrating(
      db,
      path.join(options.backupsDir, `herald-v${version}-${stamp}.db`),
    );
    options.log.info(
      { backup, from: version, to: latest },
      `backed up the database before migrating it from schema ${version} to ${latest}`,
    );
    const { from, to } = migrate(db, options.migrations);
    options.log.info({ from, to }, 'database migrated');
    return { kind: 'migrated', from, to, backup };
  } finally {
    db.close();
  }
}

async function backupBeforeMigrating(db: SqliteDatabase, file: string): Promise<string> {
  try {
    return (await backupDatabase(db, file)).file;
  } catch (error) {
    // Another Herald starting the same second backed up the same version first: its copy serves.
    if (error instanceof BackupExistsError) return error.file;
    throw error;
  }
}
