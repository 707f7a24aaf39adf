// Backups and restores as an operator makes them: `herald backup` run beside a `herald start` that is taking
// a burst of commands at its shell, `herald restore` refused while that Herald runs, then done once it is
// stopped, and the restarted Herald serving the restored history.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliWorld,
  createCliWorld,
  killRunningHeralds,
  type RunningHerald,
  startRunningHerald,
} from '../helpers/cli.js';
import { until } from '../helpers/wait.js';

const RECORDED = /Recorded post 1\.(\d+) in incident #1/;
/** The burst's k-th command; its text says k, and no text is contained in another's. */
const burstText = (k: number) => `post ${k} of the burst`;
const OUTSTANDING = 20;

const readDb = (file: string) => new Database(file, { readonly: true, fileMustExist: true });
const integrity = (db: Database.Database) => db.pragma('integrity_check', { simple: true });
const postTexts = (db: Database.Database) =>
  db.prepare('SELECT text FROM posts WHERE incident_id = 1 ORDER BY number').pluck().all() as string[];

describe('herald backup during a burst, and herald restore', () => {
  let world: CliWorld;
  let herald: RunningHerald;
  let dataDir: string;
  let backupFile: string;
  /** Post numbers whose "Recorded" answer Herald had printed: acknowledged. */
  let acked = 0;
  let sent = 0;
  let pumping = false;
  let backupPosts: string[] = [];

  const send = () => {
    sent++;
    herald.type(sent === 1 ? `nc018 smtp down "${burstText(1)}"` : `update 1 "${burstText(sent)}"`);
  };

  beforeAll(async () => {
    world = createCliWorld();
    dataDir = path.join(world.dir, 'data');
    backupFile = path.join(world.dir, 'during-the-burst.db');
    let partial = '';
    herald = await startRunningHerald(world, {
      keepStdinOpen: true,
      onStdout(chunk) {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const n = Number(RECORDED.exec(line)?.[1] ?? 0);
          // The shell answers in order: the n-th answer is the n-th post.
          if (n) acked = Math.max(acked, n);
        }
        // Keep the shell busy: a few commands always waiting for it.
        while (pumping && sent - acked < OUTSTANDING) send();
      },
    });
  });

  afterAll(() => {
    killRunningHeralds();
    world.cleanup();
  });

  it('copies, while commands keep coming, a sound database holding every post acknowledged before it began', async () => {
    pumping = true;
    for (let i = 0; i < OUTSTANDING; i++) send();
    await until('50 acknowledged commands', () => acked >= 50, 30_000);

    const ackedBefore = acked;
    const backup = await world.runAsync(['backup', backupFile]);
    const ackedDuring = acked - ackedBefore;
    pumping = false;

    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    // The burst went on while the backup ran.
    expect(ackedDuring).toBeGreaterThan(0);

    const copy = readDb(backupFile);
    let schemaVersion: unknown;
    try {
      schemaVersion = copy.pragma('user_version', { simple: true });
      expect(integrity(copy)).toBe('ok');
      expect(copy.pragma('foreign_key_check')).toEqual([]);
      backupPosts = postTexts(copy);
      // One moment of the database: posts 1..K, each with its command's audit row and its deliveries.
      expect(backupPosts).toEqual(Array.from({ length: backupPosts.length }, (_, i) => burstText(i + 1)));
      expect(backupPosts.length).toBeGreaterThanOrEqual(ackedBefore);
      expect(copy.prepare("SELECT count(*) FROM audit WHERE result = 'ok'").pluck().get()).toBe(
        backupPosts.length,
      );
      expect(
        copy
          .prepare(
            'SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = p.id)',
          )
          .pluck()
          .get(),
      ).toBe(0);
      // A single file: no write-ahead log to carry along.
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    } finally {
      copy.close();
    }
    expect(backup.stdout).toMatch(
      new RegExp(
        `^Backed up ${world.database} to ${backupFile}: 1 incident, ${backupPosts.length} posts ` +
          `\\(schema version ${schemaVersion}\\), \\d+ KiB\\.\n$`,
      ),
    );
    expect(fs.readdirSync(world.dir).filter((name) => name.includes('during-the-burst'))).toEqual([
      'during-the-burst.db',
    ]);

    // Restored on another machine (a fresh folder): the same posts, and sound.
    const elsewhere = createCliWorld();
    try {
      const restored = elsewhere.run(['restore', backupFile]);
      expect(restored.stderr).toBe('');
      expect(restored.status).toBe(0);
      const db = readDb(elsewhere.database);
      try {
        expect(integrity(db)).toBe('ok');
        expect(postTexts(db)).toEqual(backupPosts);
      } finally {
        db.close();
      }
    } finally {
      elsewhere.cleanup();
    }
  });

  it('refuses to overwrite a backup unless --force', () => {
    const before = fs.readFileSync(backupFile);
    const again = world.run(['backup', backupFile]);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(`herald backup: ${backupFile} already exists (give --force to replace it)\n`);
    expect(fs.readFileSync(backupFile).equals(before)).toBe(true);
  });

  it('refuses a second herald start, and a restore, while Herald runs on the folder, changing nothing', async () => {
    await until('every command answered', () => acked === sent, 30_000);
    herald.type(`update 1 "${burstText(sent + 1)}: written after the backup"`);
    sent++;
    await until('the last command answered', () => acked === sent, 30_000);
    const inode = fs.statSync(world.database).ino;

    const second = world.run(['start']);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(
      `herald: another Herald (pid ${herald.pid}) is running on ${dataDir}: stop it first`,
    );

    const refused = world.run(['restore', backupFile]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `herald restore: another Herald (pid ${herald.pid}) is running on ${dataDir}: stop it first ` +
        `(if no such process is Herald, remove ${path.join(dataDir, 'herald.pid')}); nothing was changed\n`,
    );
    expect(fs.statSync(world.database).ino).toBe(inode);
    expect(fs.readdirSync(dataDir).filter((name) => name.includes('restor'))).toEqual([]);
    const live = readDb(world.database);
    try {
      expect(postTexts(live)).toHaveLength(sent);
    } finally {
      live.close();
    }
  });

  it('restores once Herald is stopped, keeping the replaced database aside, and Herald then serves the restored history', async () => {
    const stopped = await herald.stop();
    expect(stopped.status).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'herald.pid'))).toBe(false);

    const restored = world.run(['restore', backupFile]);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    const keptAt = /The database it replaced is kept at (\S+)\.\n/.exec(restored.stdout)?.[1] ?? '';
    expect(restored.stdout).toContain(
      `Restored ${backupFile} to ${world.database}: 1 incident, ${backupPosts.length} posts`,
    );
    expect(path.basename(keptAt)).toMatch(/^herald\.db\.before-restore-\d{8}T\d{6}Z$/);
    expect(
      fs
        .readdirSync(dataDir)
        .filter((name) => name.startsWith('herald.db'))
        .sort(),
    ).toEqual(['herald.db', path.basename(keptAt)]);
    const aside = readDb(keptAt);
    try {
      expect(integrity(aside)).toBe('ok');
      expect(postTexts(aside)).toHaveLength(sent);
    } finally {
      aside.close();
    }

    world.env.LOG_LEVEL = 'info';
    const again = await startRunningHerald(world);
    await until('the site rebuilt', () => again.stderr().includes('"msg":"site rebuilt"'), 30_000);
    const page = await (await fetch(new URL('incidents/1.html', again.url))).text();
    expect(page).toContain(backupPosts.at(-1));
    expect(page).not.toContain('written after the backup');
    expect((await again.stop()).status).toBe(0);
  });
});

describe('herald backup and herald restore on a quiet folder', () => {
  let world: CliWorld;
  beforeAll(() => {
    world = createCliWorld();
    expect(world.run(['run', 'nc018 smtp down "before the backup"']).status).toBe(0);
  });
  afterAll(() => world.cleanup());

  it('backs up into a folder as herald-<UTC time>.db', () => {
    const folder = path.join(world.dir, 'backups');
    fs.mkdirSync(folder);
    const r = world.run(['backup', folder]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = fs.readdirSync(folder);
    expect(files).toEqual([expect.stringMatching(/^herald-\d{8}T\d{6}Z\.db$/)]);
    const missing = world.run(['backup', `${folder}-not-made-yet/`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`herald backup: the folder ${folder}-not-made-yet does not exist\n`);
    expect(fs.existsSync(`${folder}-not-made-yet`)).toBe(false);
    expect(r.stdout).toContain(
      `to ${path.join(folder, files[0] as string)}: 1 incident, 1 post (schema version`,
    );
  });

  it('refuses a restore while another process has the database open (herald serve, herald run, a tool)', () => {
    const backup = path.join(world.dir, 'b.db');
    expect(world.run(['backup', backup]).status).toBe(0);
    const reader = readDb(world.database);
    try {
      reader.prepare('SELECT count(*) FROM posts').get();
      const r = world.run(['restore', backup]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `herald restore: ${world.database} is open in another process (a herald serve, herald run, herald ` +
          'backup or another tool): stop it first; nothing was changed\n',
      );
    } finally {
      reader.close();
    }
    expect(fs.readdirSync(path.join(world.dir, 'data')).filter((n) => n.includes('restor'))).toEqual([]);
  });

  it('refuses to restore a file that is not a sound Herald database, leaving both as they were', () => {
    const data = path.join(world.dir, 'data');
    const before = fs.readdirSync(data).sort();
    const notSqlite = path.join(world.dir, 'notes.txt');
    fs.writeFileSync(notSqlite, 'not a database, but long enough to have a header. '.repeat(4));
    const otherSqlite = path.join(world.dir, 'other.db');
    const other = new Database(otherSqlite);
    other.exec('CREATE TABLE things (id INTEGER PRIMARY KEY)');
    other.close();
    const cases: Array<[string, string]> = [
      [notSqlite, `${notSqlite} is not a sound SQLite database (file is not a database)`],
      [otherSqlite, `${otherSqlite} is an SQLite database, but not Herald's (no incidents and posts)`],
      [path.join(world.dir, 'missing.db'), `${path.join(world.dir, 'missing.db')}: no such file`],
    ];
    for (const [file, why] of cases) {
      const content = fs.existsSync(file) ? fs.readFileSync(file) : null;
      const r = world.run(['restore', file]);
      expect(r.status, file).toBe(1);
      expect(r.stderr).toBe(`herald restore: ${why}; nothing was changed\n`);
      if (content) expect(fs.readFileSync(file).equals(content)).toBe(true);
    }
    expect(fs.readdirSync(data).sort()).toEqual(before);
    expect(world.run(['restore']).status).toBe(2);
  });
});

describe('the data folder lock', () => {
  let world: CliWorld;
  beforeAll(() => {
    world = createCliWorld();
  });
  afterAll(() => {
    killRunningHeralds();
    world.cleanup();
  });
  const lockFile = () => path.join(world.dir, 'data', 'herald.pid');
  const holderPid = () => Number(fs.readFileSync(lockFile(), 'utf8').split('\n')[0]);

  it('left behind by a Herald killed with SIGKILL, is taken over by the next herald start', async () => {
    const first = await startRunningHerald(world);
    expect(holderPid()).toBe(first.pid);
    await first.kill();
    expect(holderPid()).toBe(first.pid);
    const next = await startRunningHerald(world);
    expect(holderPid()).toBe(next.pid);
    expect((await next.stop()).status).toBe(0);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('naming a live process from before a reboot (its pid since reused), is taken over', async () => {
    // This test process is alive, but the lock says it was written during another boot.
    fs.writeFileSync(lockFile(), `${process.pid}\nan-earlier-boot\n12345\n`);
    const next = await startRunningHerald(world);
    expect(holderPid()).toBe(next.pid);
    expect((await next.stop()).status).toBe(0);
  });

  it('naming a live process, with nothing to show it is another one, is respected', () => {
    fs.writeFileSync(lockFile(), `${process.pid}\n`);
    const r = world.run(['start']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `another Herald (pid ${process.pid}) is running on ${path.join(world.dir, 'data')}`,
    );
    expect(holderPid()).toBe(process.pid);
    fs.rmSync(lockFile());
  });
});
