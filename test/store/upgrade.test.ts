// Upgrades as an operator meets them: the new Herald started on the database of the one before backs it up
// as it was, migrates it and keeps every row; a database written by a newer Herald is refused and left
// exactly as it was. "The one before" is the newest schema version but one, whatever the newest is.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion, loadMigrations, migrate, SchemaTooNewError } from '../../src/store/migrate.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/open-database.js';
import { upgradeDatabase } from '../../src/store/upgrade.js';
import { type CliWorld, createCliWorld, killRunningHeralds, startRunningHerald } from '../helpers/cli.js';
import { createTestCore, ops, recorded, tempDir } from '../helpers/core.js';
import { testLog } from '../helpers/log.js';
import { dumpDatabase } from './dump.js';

const latest = latestSchemaVersion();
const previous = latest - 1;

const cleanups: Array<() => void> = [];
afterEach(() => {
  killRunningHeralds();
  for (const cleanup of cleanups.splice(0)) cleanup();
});
const newWorld = (): CliWorld => {
  const world = createCliWorld();
  cleanups.push(() => world.cleanup());
  return world;
};
const readDb = (file: string): SqliteDatabase => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  cleanups.unshift(() => db.close());
  return db;
};

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const tablesOf = (db: SqliteDatabase, schema = 'main'): string[] =>
  db
    .prepare(
      `SELECT name FROM ${schema}.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    )
    .pluck()
    .all() as string[];
const columnsOf = (db: SqliteDatabase, table: string, schema = 'main'): string[] =>
  db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).pluck().all(table, schema) as string[];
const rowsOf = (db: SqliteDatabase, table: string, columns: string[]) =>
  db
    .prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)} ORDER BY rowid`)
    .raw()
    .all();
const schemaOf = (db: SqliteDatabase) =>
  db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name').all();

/**
 * Rows for the tables that the commands below do not fill (an import, the scheduler), each added when its
 * table exists at the previous version. A migration that adds such a table adds its rows here: the test
 * names any table left empty.
 */
const MORE_ROWS: Record<string, string> = {
  imported_items: `INSERT INTO imported_items (key, post_id, source, imported_at)
    VALUES ('https://status.example.net/2012/07/spam', 1, 'https://status.example.net/feed.xml', 1343425167000)`,
  automation_steps: `INSERT INTO automation_steps (incident_id, step, due_at, done_at, outcome, post_id, note)
    SELECT incident_id, 'start', published_at, published_at, 'posted', id, NULL FROM posts
    WHERE incident_id = 2 AND number = 1`,
  prompts: `INSERT INTO prompts (incident_id, step, kind, platform, user_id, user_name, created_at)
    VALUES (2, 'start', 'complete', 'shell', 'ops', 'ops', 1343425167000)`,
  inbox: `INSERT INTO inbox (request_id, platform, kind, payload, received_at, status, done_at)
    VALUES ('slack:T-UPGRADE', 'slack', 'command', '{"text":"list"}', 1343425167000, 'done', 1343425167100)`,
  // Tables are filled in alphabetical order: a row that refers to another table's is written with it.
  subscribers: `INSERT INTO subscribers (channel, address, status, all_components, created_at, confirmed_at)
    VALUES ('email', 'client@example.com', 'active', 0, 1343425167000, 1343425200000);
    INSERT INTO subscriber_components (subscriber_id, system, service)
    SELECT id, 'nc018', 'smtp' FROM subscribers WHERE address = 'client@example.com'`,
  proposals: `INSERT INTO proposals (source, group_key, command, title, text, components, state, fate,
      created_at, updated_at, decided_at, published_incident_id, published_post_number)
    VALUES ('alertmanager', '{}:{alertname="SMTPDown"}', 'nc018 smtp down "SMTP is down"', 'SMTP on NC018 shut down',
      'SMTP is down', '[{"system":"nc018","service":"smtp"}]', 'down', 'published', 1343425167000,
      1343425200000, 1343425200000, 1, 1);
    INSERT INTO monitor_groups (source, group_key, status, signature, facts, firing_since,
      proposal_id, updated_at)
    SELECT 'alertmanager', group_key, 'firing', '[]', '{}', 1343425167000, id, 1343425167000 FROM proposals;
    INSERT INTO proposal_messages (proposal_id, board, remote_id, revision, shown_at)
    SELECT id, 'shell', NULL, 1, 1343425167000 FROM proposals;
    INSERT INTO proposal_fates (proposal_id, event, revision, at)
    SELECT id, 'proposed', 1, 1343425167000 FROM proposals`,
};

/**
 * A database at the schema version before the newest, with rows in every table: written by Herald's own
 * commands on a newest-version database, then copied, column by column, into one built by the shipped
 * migrations up to `previous`. Every delivery is marked sent, so that a running Herald changes no row.
 */
function buildPreviousDatabase(file: string): void {
  const core = createTestCore();
  try {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    core.setNow('2012-07-27T22:10:00Z');
    recorded(core.run('update 1 "Still on it"'));
    recorded(core.run('edit 1.1 "Spam filter cleanup"'));
    recorded(core.run('retract 1.2 "posted too early"'));
    recorded(
      core.service.handle({
        text: 'maintenance nc026 web "new disks" --start 2012-08-01 10:00 --end 2012-08-01 12:00',
        actor: ops,
        requestKey: 'slack-trigger-1',
      }),
    );
    const preview = core.service.preview({ text: 'nc026 dns degraded "slow answers"', actor: ops }, 60_000);
    if (preview.kind !== 'preview') throw new Error(`expected a preview, got ${JSON.stringify(preview)}`);
    recorded(core.service.confirm({ previewId: preview.previewId, actor: ops, requestKey: 'click-1' }));

    const db = openDatabase(file);
    try {
      migrate(db, loadMigrations().slice(0, previous));
      db.prepare('ATTACH DATABASE ? AS newest').run(path.join(core.dir, 'herald.db'));
      db.pragma('foreign_keys = OFF');
      for (const table of tablesOf(db)) {
        const newest = columnsOf(db, table, 'newest');
        const columns = columnsOf(db, table)
          .filter((c) => newest.includes(c))
          .map(quote)
          .join(', ');
        db.exec(
          `INSERT INTO main.${quote(table)} (${columns}) SELECT ${columns} FROM newest.${quote(table)}`,
        );
      }
      db.exec('DETACH DATABASE newest');
      for (const table of tablesOf(db)) if (MORE_ROWS[table]) db.exec(MORE_ROWS[table]);
      db.pragma('foreign_keys = ON');
      db.exec("UPDATE deliveries SET status = 'sent', attempts = 1, sent_at = created_at");
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('user_version', { simple: true })).toBe(previous);
      for (const table of tablesOf(db)) {
        expect(
          db
            .prepare(`SELECT count(*) FROM ${quote(table)}`)
            .pluck()
            .get(),
          `no rows in ${table}: add some to MORE_ROWS`,
        ).toBeGreaterThan(0);
      }
    } finally {
      db.close();
    }
  } finally {
    core.close();
  }
}

describe('the database of the previous Herald', () => {
  /** A CLI world whose database is at the previous version, and a copy of that file as it was. */
  const previousWorld = () => {
    const world = newWorld();
    fs.mkdirSync(path.dirname(world.database));
    buildPreviousDatabase(world.database);
    const asItWas = path.join(world.dir, 'as-it-was.db');
    fs.copyFileSync(world.database, asItWas);
    return { world, dataDir: path.dirname(world.database), asItWas };
  };
  const onlyBackup = (dataDir: string): string => {
    const backups = fs.readdirSync(path.join(dataDir, 'backups'));
    expect(backups).toEqual([expect.stringMatching(new RegExp(`^herald-v${previous}-\\d{8}T\\d{6}Z\\.db$`))]);
    return path.join(dataDir, 'backups', backups[0] as string);
  };

  it(`is backed up as it was (schema ${previous}) by herald start, which logs where, then migrated to ${latest}`, async () => {
    const { world, dataDir, asItWas } = previousWorld();
    world.env.LOG_LEVEL = 'info';
    const stopped = await (await startRunningHerald(world)).stop();
    expect(stopped.status).toBe(0);

    const backupFile = onlyBackup(dataDir);
    const logs = stopped.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 30,
        backup: backupFile,
        from: previous,
        to: latest,
        msg: `backed up the database before migrating it from schema ${previous} to ${latest}`,
      }),
    );
    const old = readDb(asItWas);
    const backup = readDb(backupFile);
    expect(backup.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(backup.pragma('user_version', { simple: true })).toBe(previous);
    expect(schemaOf(backup)).toEqual(schemaOf(old));
    expect(dumpDatabase(backup)).toBe(dumpDatabase(old));
    expect(readDb(world.database).pragma('user_version', { simple: true })).toBe(latest);
  });

  // Through `herald run list`, which opens and upgrades the database as start does but writes nothing of
  // its own afterwards (a running Herald may go on to change rows: start a maintenance that is due).
  it('keeps every row of every table through the migration', () => {
    const { world, dataDir, asItWas } = previousWorld();
    const r = world.run(['run', 'list']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const old = readDb(asItWas);
    expect(dumpDatabase(readDb(onlyBackup(dataDir)))).toBe(dumpDatabase(old));
    const upgraded = readDb(world.database);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(latest);
    expect(upgraded.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(upgraded.pragma('foreign_key_check')).toEqual([]);
    for (const table of tablesOf(old)) {
      const columns = columnsOf(old, table);
      expect(rowsOf(upgraded, table, columns), table).toEqual(rowsOf(old, table, columns));
    }
  });
});

describe('a database written by a newer Herald', () => {
  // WAL, as Herald leaves it; a rollback journal, as a copy made by another tool may be.
  it.each(['wal', 'delete'])(
    'in %s mode is refused by start, run and publish (exit 2, saying why) and left byte for byte as it was',
    (mode) => {
      const world = newWorld();
      const dataDir = path.dirname(world.database);
      const db = openDatabase(world.database);
      migrate(db);
      db.pragma(`user_version = ${latest + 1}`);
      db.pragma(`journal_mode = ${mode}`);
      db.close();
      const snapshot = () => ({
        bytes: fs.readFileSync(world.database).toString('base64'),
        mtime: fs.statSync(world.database, { bigint: true }).mtimeNs,
        files: fs.readdirSync(dataDir).sort(),
      });
      const before = snapshot();
      expect(before.files).toEqual(['herald.db']);

      for (const args of [['start'], ['run', 'list'], ['publish']]) {
        const r = world.run(args);
        expect(r.stderr, args.join(' ')).toBe(
          `herald: herald.db is at schema version ${latest + 1} but this Herald knows only up to ${latest}: ` +
            'upgrade Herald, or restore a backup\n',
        );
        expect(r.status).toBe(2);
        expect(snapshot()).toEqual(before);
      }

      // Nor can it be restored over a database of this Herald's.
      const other = newWorld();
      expect(other.run(['run', 'list']).status).toBe(0);
      const restore = other.run(['restore', world.database]);
      expect(restore.status).toBe(1);
      expect(restore.stderr).toBe(
        `herald restore: ${world.database} was written by a newer Herald (schema version ${latest + 1}; this one ` +
          `knows up to ${latest}): upgrade Herald first; nothing was changed\n`,
      );
      expect(snapshot()).toEqual(before);
    },
  );
});

describe('upgradeDatabase', () => {
  const log = testLog();
  const folder = () => {
    const dir = tempDir('herald-upgrade-');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it('backs up nothing for a missing, an empty or an up-to-date database', async () => {
    const dir = folder();
    const backupsDir = path.join(dir, 'backups');
    const file = path.join(dir, 'herald.db');
    expect(await upgradeDatabase(file, { backupsDir, log })).toEqual({ kind: 'new', version: 0 });
    expect(fs.existsSync(file)).toBe(false);
    new Database(file).close();
    expect(await upgradeDatabase(file, { backupsDir, log })).toEqual({ kind: 'new', version: 0 });
    const db = openDatabase(file);
    migrate(db);
    db.close();
    expect(await upgradeDatabase(file, { backupsDir, log })).toEqual({ kind: 'current', version: latest });
    expect(fs.existsSync(backupsDir)).toBe(false);
  });

  it('keeps the backup, and the database at its version, when a migration fails', async () => {
    const dir = folder();
    const file = path.join(dir, 'herald.db');
    const backupsDir = path.join(dir, 'backups');
    const db = openDatabase(file);
    migrate(db);
    db.exec("INSERT INTO components VALUES ('nc018', 'smtp', 'down', 1)");
    const before = dumpDatabase(db);
    db.close();
    const broken = [
      ...loadMigrations(),
      {
        version: latest + 1,
        name: 'broken.sql',
        sql: 'ALTER TABLE components ADD COLUMN x TEXT; SELECT * FROM nowhere;',
      },
    ];
    await expect(
      upgradeDatabase(file, {
        backupsDir,
        log,
        migrations: broken,
        now: () => new Date('2024-05-03T19:00:00.5Z'),
      }),
    ).rejects.toThrow(/no such table: nowhere/);
    const kept = readDb(path.join(backupsDir, `herald-v${latest}-20240503T190000Z.db`));
    expect(dumpDatabase(kept)).toBe(before);
    const after = readDb(file);
    expect(after.pragma('user_version', { simple: true })).toBe(latest);
    expect(dumpDatabase(after)).toBe(before);
  });

  it('refuses a newer database in rollback-journal mode without switching it to WAL', async () => {
    const dir = folder();
    const file = path.join(dir, 'herald.db');
    const db = new Database(file);
    db.pragma(`user_version = ${latest + 3}`);
    db.close();
    const before = fs.readFileSync(file);
    await expect(upgradeDatabase(file, { backupsDir: path.join(dir, 'backups'), log })).rejects.toThrow(
      SchemaTooNewError,
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['herald.db']);
  });
});
