// `herald doctor`'s checks of what Herald keeps on disk: the data and public folders can really be written
// (a file is created and removed), and the database opens, passes SQLite's integrity check and is of a
// schema this Herald knows. Nothing is changed: the database is opened read-only, and a folder that does not
// exist yet is left for Herald to create.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latestSchemaVersion, SchemaTooNewError } from '../store/migrate.js';
import { openDatabase, type SqliteDatabase } from '../store/open-database.js';
import type { Check } from './check.js';

function runningAs(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** The folder itself, or its nearest ancestor that exists (Herald creates the rest). */
function nearestExisting(dir: string): string {
  let at = dir;
  while (!fs.existsSync(at)) {
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  return at;
}

function writeFix(code: string | undefined, where: string, variable: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM': {
      const user = runningAs();
      return `let ${user} (the user Herald runs as) write there: chown ${user} ${where} (or chmod u+w ${where}); or set ${variable} to a folder it can write`;
    }
    case 'EROFS':
      return `${where} is on a read-only file system: under systemd with ProtectSystem=strict, list it in ReadWritePaths= (docs/deploy.md); or set ${variable}`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `a file stands where a folder must be: move it away, or set ${variable} to a folder`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk (or the user's quota) is full: free some space on the file system of ${where}`;
    default:
      return `set ${variable} to a folder Herald can write`;
  }
}

/** Creates and removes a file in `dir` (or a folder in its nearest existing ancestor, when it does not exist). */
export function checkFolder(name: string, dir: string, variable: string): Check {
  const at = nearestExisting(dir);
  const probe = path.join(at, `.herald-doctor-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    if (!fs.statSync(at).isDirectory()) {
      return {
        name,
        status: 'fail',
        detail: `${dir}: ${at} is a file, not a folder`,
        fix: writeFix('ENOTDIR', at, variable),
      };
    }
    if (at === dir) {
      fs.writeFileSync(probe, 'herald doctor\n', { flag: 'wx' });
      fs.rmSync(probe);
      return { name, status: 'ok', detail: `${dir}: writable (a test file was created and removed)` };
    }
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
    return { name, status: 'ok', detail: `${dir}: not there yet; Herald creates it (${at} is writable)` };
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    fs.rmSync(probe, { force: true, recursive: true });
    return {
      name,
      status: 'fail',
      detail: `${dir}: cannot write in ${at} (${err.code ?? err.message})`,
      fix: writeFix(err.code, at, variable),
    };
  }
}

const RESTORE = 'restore the latest backup (docs/backups.md)';

/** The database's files that Herald writes, and which of them this user could not. */
function unwritableFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`].filter((f) => {
    try {
      fs.accessSync(f, fs.constants.W_OK);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  });
}

function inspect(db: SqliteDatabase, file: string): Check {
  const version = db.pragma('user_version', { simple: true }) as number;
  const latest = latestSchemaVersion();
  if (version > latest) {
    return {
      name: 'database',
      status: 'fail',
      detail: `${file}: ${new SchemaTooNewError(path.basename(file), version, latest).message}`,
      fix: `run the Herald version that wrote it, or ${RESTORE}; this Herald will not start on it`,
    };
  }
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  // SQLite's findings, one per line, without its `*** in database main ***` heading.
  const messages = rows
    .flatMap((r) => r.integrity_check.split('\n'))
    .filter((m) => m.trim() && !m.startsWith('***'));
  if (messages.join() !== 'ok') {
    return {
      name: 'database',
      status: 'fail',
      detail: `${file}: the integrity check failed: ${messages.slice(0, 3).join('; ')}${messages.length > 3 ? '; …' : ''}`,
      fix: `stop Herald and ${RESTORE}`,
    };
  }
  const unwritable = unwritableFiles(file);
  if (unwritable.length) {
    const user = runningAs();
    return {
      name: 'database',
      status: 'fail',
      detail: `${file}: ${runningAs()} cannot write ${unwritable.join(', ')}`,
      fix: `chown ${user} ${unwritable.join(' ')}, or run Herald as the user that owns them`,
    };
  }
  const schema =
    version === latest
      ? `schema version ${version}`
      : `schema version ${version} (herald start migrates it to ${latest})`;
  return { name: 'database', status: 'ok', detail: `${file}: integrity ok, ${schema}` };
}

/** Opens the database read-only (never creating it), and inspects it. */
export function checkDatabase(file: string): Check {
  if (!fs.existsSync(file)) {
    return { name: 'database', status: 'ok', detail: `${file}: not there yet; herald start creates it` };
  }
  let db: SqliteDatabase;
  try {
    db = openDatabase(file, { readonly: true });
  } catch (error) {
    const err = error as { code?: string; message?: string };
    return {
      name: 'database',
      status: 'fail',
      detail: `${file}: cannot be opened (${err.code ?? ''} ${err.message ?? String(error)})`.replace(
        '( ',
        '(',
      ),
      fix:
        err.code === 'SQLITE_NOTADB'
          ? `it is not a SQLite database: move it away and ${RESTORE}, or let Herald start an empty one`
          : `check that ${runningAs()} may read it and its folder; if it is damaged, ${RESTORE}`,
    };
  }
  try {
    return inspect(db, file);
  } catch (error) {
    const err = error as { code?: string; message?: string };
    return {
      name: 'database',
      status: 'fail',
      detail: `${file}: cannot be read (${[err.code, err.message ?? String(error)].filter(Boolean).join(': ')})`,
      fix: `stop Herald and ${RESTORE}`,
    };
  } finally {
    db.close();
  }
}
