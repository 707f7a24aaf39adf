import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  latestSchemaVersion,
  loadMigrations,
  type Migration,
  migrate,
  SchemaTooNewError,
} from '../../src/store/migrate.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/open-database.js';
import { openStore } from '../../src/store/sqlite-store.js';

const TABLES = [
  'audit',
  'automation_steps',
  'components',
  'deliveries',
  'handled_requests',
  'imported_items',
  'inbox',
  'incident_components',
  'incidents',
  'monitor_groups',
  'notifications',
  'post_edits',
  'posts',
  'previews',
  'prompts',
  'proposal_fates',
  'proposal_messages',
  'proposals',
  'subscriber_components',
  'subscribers',
];

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-migrate-'));
  tempDirs.push(dir);
  return dir;
};
const opened: SqliteDatabase[] = [];
const open = (file: string, options?: { readonly?: boolean }) => {
  const db = openDatabase(file, options);
  opened.push(db);
  return db;
};
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const userVersion = (db: SqliteDatabase) => db.pragma('user_version', { simple: true });
const schema = (db: SqliteDatabase) =>
  db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
const tables = (db: SqliteDatabase) =>
  db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all();
const hash = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('migrate', () => {
  it('ships numbered migrations from 1 without gaps, the last being the latest version', () => {
    const migrations = loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, index) => index + 1));
    expect(migrations[0]?.name).toBe('001-initial.sql');
    expect(latestSchemaVersion()).toBe(migrations.length);
  });

  it('brings an empty database to the latest version with every table, all STRICT', () => {
    const db = open(':memory:');
    expect(migrate(db)).toEqual({ from: 0, to: latestSchemaVersion() });
    expect(userVersion(db)).toBe(latestSchemaVersion());
    expect(tables(db)).toEqual(TABLES);
    const strict = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main'").all();
    for (const table of TABLES) expect(strict).toContainEqual({ name: table, strict: 1 });
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('does nothing when run again', () => {
    const db = open(path.join(tempDir(), 'herald.db'));
    migrate(db);
    const before = schema(db);
    const latest = latestSchemaVersion();
    expect(migrate(db)).toEqual({ from: latest, to: latest });
    expect(schema(db)).toEqual(before);
  });

  it('refuses a database from a newer Herald without writing a byte', () => {
    const file = path.join(tempDir(), 'herald.db');
    const future = latestSchemaVersion() + 6;
    const setup = open(file);
    setup.pragma(`user_version = ${future}`);
    setup.close();
    const before = hash(file);

    const db = open(file);
    let thrown: unknown;
    try {
      migrate(db);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SchemaTooNewError);
    expect((thrown as Error).message).toBe(
      `herald.db is at schema version ${future} but this Herald knows only up to ${latestSchemaVersion()}: ` +
        'upgrade Herald, or restore a backup',
    );
    expect(tables(db)).toEqual([]);
    db.close();
    expect(() => openStore(file)).toThrow(SchemaTooNewError);
    expect(hash(file)).toBe(before);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['herald.db']);
  });

  it('refuses a newer database in rollback-journal mode without switching it to WAL first', () => {
    const file = path.join(tempDir(), 'herald.db');
    const setup = open(file);
    setup.pragma('journal_mode = DELETE');
    setup.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    setup.close();
    const before = hash(file);
    expect(() => openStore(file)).toThrow(SchemaTooNewError);
    expect(hash(file)).toBe(before);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['herald.db']);
  });

  it('rolls back a failing step, leaving the version of the last good one', () => {
    const db = open(':memory:');
    const steps: Migration[] = [
      { version: 1, name: '001-one.sql', sql: 'CREATE TABLE one (id INTEGER PRIMARY KEY) STRICT;' },
      {
        version: 2,
        name: '002-two.sql',
        sql: 'CREATE TABLE two (id INTEGER PRIMARY KEY) STRICT; INSERT INTO missing VALUES (1);',
      },
    ];
    expect(() => migrate(db, steps)).toThrow(/no such table: missing/);
    expect(userVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['one']);
  });

  it('rolls back the shipped migration when a table is in its way, leaving version 0', () => {
    const db = open(':memory:');
    db.exec('CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT)');
    const before = schema(db);
    expect(() => migrate(db)).toThrow(/table posts already exists/);
    expect(userVersion(db)).toBe(0);
    expect(schema(db)).toEqual(before);
  });

  it('refuses migration lists with gaps or misnamed files', () => {
    const good = { name: '001-a.sql', sql: 'SELECT 1;' };
    expect(() =>
      migrate(open(':memory:'), [
        { ...good, version: 1 },
        { ...good, version: 3 },
      ]),
    ).toThrow(/expected number 2/);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '001-initial.sql'), 'SELECT 1;');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not a migration');
    expect(loadMigrations(dir).map((m) => m.name)).toEqual(['001-initial.sql']);
    fs.writeFileSync(path.join(dir, 'two.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/two\.sql: expected a name like/);
  });
});

describe('openDatabase', () => {
  it('sets WAL, synchronous FULL, foreign keys and a busy timeout on a file, creating its folder', () => {
    const file = path.join(tempDir(), 'deep', 'er', 'herald.db');
    const db = open(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('works in memory, with foreign keys enforced', () => {
    const db = open(':memory:');
    migrate(db);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      db
        .prepare('INSERT INTO incident_components (incident_id, system, service) VALUES (42, ?, ?)')
        .run('nc018', 'smtp'),
    ).toThrow(/FOREIGN KEY constraint failed/);
  });

  it('opens an existing file read-only, and will not create one', () => {
    const file = path.join(tempDir(), 'herald.db');
    migrate(open(file));
    const reader = open(file, { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM incidents').pluck().get()).toBe(0);
    expect(() => reader.exec("INSERT INTO components VALUES ('a', 'b', 'down', 0)")).toThrow(/readonly/);
    expect(() => open(path.join(tempDir(), 'missing.db'), { readonly: true })).toThrow();
  });
});
