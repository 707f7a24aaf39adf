import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../src/bot/ports.js';
import { migrate } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createSqliteStore, openStore } from '../../src/store/sqlite-store.js';
import { dumpDatabase } from './dump.js';
import { describeStoreContract } from './store-contract.js';

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-store-'));
  tempDirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function sqliteFixture(file: () => string) {
  return () => {
    const db = openDatabase(file());
    migrate(db);
    const store = createSqliteStore(db);
    return { store, dump: () => dumpDatabase(db), cleanup: () => store.close() };
  };
}

describeStoreContract(
  'SQLite file',
  sqliteFixture(() => path.join(tempDir(), 'data', 'herald.db')),
);
describeStoreContract(
  'SQLite :memory:',
  sqliteFixture(() => ':memory:'),
);

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);
const outage: Change = {
  kind: 'change',
  incident: {
    create: {
      kind: 'outage',
      status: 'open',
      title: 'NC018 SMTP down',
      tags: ['email'],
      components: [{ system: 'nc018', service: 'smtp' }],
      impact: 'down',
      openedAt: T0,
      closedAt: null,
      startsAt: null,
      endsAt: null,
      lastNumber: 0,
    },
  },
  post: {
    number: 1,
    title: 'NC018 SMTP down',
    text: 'Spam cleanup',
    tags: ['email'],
    author: 'Ada',
    publishedAt: T0,
    eventAt: null,
    state: 'down',
  },
  edit: null,
  retract: null,
  components: [{ system: 'nc018', service: 'smtp', state: 'down' }],
  outlets: ['site'],
  audit: {
    at: T0,
    actor: { platform: 'shell', id: 'ada', name: 'Ada' },
    text: 'x',
    result: 'ok',
    code: 'change',
  },
};

describe('SQLite store', () => {
  it('openStore creates the folder, and what it wrote is there after reopening', () => {
    const file = path.join(tempDir(), 'nested', 'data', 'herald.db');
    const first = openStore(file);
    const applied = first.transact((repo) => repo.apply(outage));
    const before = first.postsOf(applied.incidentId);
    first.close();

    const again = openStore(file);
    expect(again.incident(applied.incidentId)?.title).toBe('NC018 SMTP down');
    expect(again.postsOf(applied.incidentId)).toEqual(before);
    expect(again.deliveries({ status: 'pending' })).toHaveLength(1);
    again.close();
  });

  it('refuses a database that has not been migrated', () => {
    const db = openDatabase(':memory:');
    expect(() => createSqliteStore(db)).toThrow(/schema version 0.*run migrate/);
    db.close();
  });

  it('throws on a row the domain cannot hold instead of passing it on', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    const store = createSqliteStore(db);
    const { incidentId } = store.transact((repo) => repo.apply(outage));
    db.pragma('ignore_check_constraints = ON');
    db.prepare("UPDATE components SET state = 'on fire'").run();
    expect(() => store.components()).toThrow(
      'components.state: expected one of operational, degraded, down, maintenance, found on fire',
    );
    db.prepare(`UPDATE incidents SET tags = '{"a":1}'`).run();
    expect(() => store.incident(incidentId)).toThrow(/incidents\.tags: expected a JSON array of strings/);
    db.prepare('UPDATE posts SET published_at = 1 << 60').run();
    expect(() => store.recentPosts(1)).toThrow(/posts\.published_at: expected an integer/);
    store.close();
  });

  it('rejects a change that breaks an invariant, and writes none of it', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    const store = createSqliteStore(db);
    const { incidentId, postId } = store.transact((repo) => repo.apply(outage));
    const other = store.transact((repo) => repo.apply(outage)).incidentId;
    const before = dumpDatabase(db);
    const retract = (incident: number) =>
      store.transact((repo) =>
        repo.apply({
          ...outage,
          kind: 'retract',
          incident: { id: incident, patch: {} },
          post: null,
          retract: { postId: postId ?? -1, reason: 'wrong', author: 'Ada', at: T0 },
        }),
      );
    expect(() => retract(other)).toThrow(`post ${postId} belongs to incident ${incidentId}`);
    expect(() =>
      store.transact((repo) => repo.apply({ ...outage, incident: { id: 99, patch: {} } })),
    ).toThrow('incident 99 does not exist');
    expect(() => store.transact((repo) => repo.apply({ ...outage, outlets: ['site', 'site'] }))).toThrow(
      /UNIQUE/,
    );
    expect(dumpDatabase(db)).toBe(before);
    retract(incidentId);
    expect(() => retract(incidentId)).toThrow('already retracted');
    store.close();
  });

  it('keeps a repository from being used outside its transaction, and refuses async functions', async () => {
    const store = openStore(':memory:');
    const leaked = store.transact((repo) => repo);
    expect(() => leaked.apply(outage)).toThrow(/only usable inside its transact/);
    expect(() => leaked.components()).toThrow(/only usable inside its transact/);
    expect(() => store.transact(async (repo) => repo.apply(outage))).toThrow(/synchronous/);
    expect(store.incidents()).toEqual([]);
    store.close();
  });

  it('dumpDatabase shows every table, and changes when any row does', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    const empty = dumpDatabase(db);
    for (const table of [
      'audit',
      'components',
      'deliveries',
      'incident_components',
      'incidents',
      'post_edits',
      'posts',
    ]) {
      expect(empty).toContain(`## ${table} (`);
    }
    const store = createSqliteStore(db);
    store.transact((repo) => repo.apply(outage));
    const full = dumpDatabase(db);
    expect(full).not.toBe(empty);
    expect(dumpDatabase(db)).toBe(full);
    db.prepare('UPDATE deliveries SET attempts = 1').run();
    expect(dumpDatabase(db)).not.toBe(full);
    store.close();
  });
});
