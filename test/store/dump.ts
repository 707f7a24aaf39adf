// Every table's rows as text, ordered by primary key: two dumps are equal exactly when the data is. Tests
// use it to prove that a refused command, or a rolled-back transaction, changed nothing.

import Database from 'better-sqlite3';
import type { SqliteDatabase } from '../../src/store/open-database.js';

const show = (value: unknown): string => {
  if (Buffer.isBuffer(value)) return `x'${value.toString('hex')}'`;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
};

/** The dump of the database in `file`, opened read-only for it. */
export function dumpFile(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return dumpDatabase(db);
  } finally {
    db.close();
  }
}

/** `except`: tables left out (the chat inbox, which keeps every request taken, changed or not). */
export function dumpDatabase(db: SqliteDatabase, options: { except?: readonly string[] } = {}): string {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name",
    )
    .pluck()
    .all()
    .filter((name) => !options.except?.includes(name as string)) as string[];
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return tables
    .map((table) => {
      const columns = db
        .prepare(`SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`)
        .all(table) as Array<{
        name: string;
        pk: number;
      }>;
      const key = columns.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk);
      const orderBy = key.length > 0 ? key.map((column) => quote(column.name)).join(', ') : 'rowid';
      const rows = db
        .prepare(`SELECT * FROM ${quote(table)} ORDER BY ${orderBy}`)
        .raw()
        .all() as unknown[][];
      const lines = rows.map((row) => row.map(show).join('\t'));
      return [`## ${table} (${columns.map((column) => column.name).join(', ')})`, ...lines].join('\n');
    })
    .join('\n');
}

/** The dump of the database in `file`, opened read-only for it (another process's, say). */
export function dumpDatabaseFile(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return dumpDatabase(db);
  } finally {
    db.close();
  }
}
