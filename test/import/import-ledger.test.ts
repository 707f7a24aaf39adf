// The store's side of an import (src/store/import.ts on SQLite): all of an import's posts or none, each
// remembered by its key, and the series a later import continues.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportGroup, ImportLedger, NewIncident, Store } from '../../src/bot/ports.js';
import { migrate } from '../../src/store/migrate.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/open-database.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { ops } from '../helpers/core.js';
import { dumpDatabase } from '../store/dump.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2013, 9, 16, 10, 9, 43);

const incident = (title: string, openedAt: number, closedAt: number, lastNumber: number): NewIncident => ({
  kind: 'notice',
  status: 'resolved',
  title,
  tags: ['migration'],
  components: [],
  impact: null,
  openedAt,
  closedAt,
  startsAt: null,
  endsAt: null,
  lastNumber,
});

const post = (key: string, number: number, title: string, at: number) => ({
  key,
  post: {
    number,
    title,
    text: `${title} text`,
    tags: ['migration'],
    author: 'NinerNet',
    publishedAt: at,
    eventAt: null,
    state: null,
  },
});

const options = (at: number) => ({
  source: 'blog.rss',
  outlets: ['site'],
  audit: { at, actor: ops, text: 'import blog.rss', result: 'ok' as const, code: 'import' },
});

let db: SqliteDatabase;
let store: Store;
let imports: ImportLedger;
beforeEach(() => {
  db = openDatabase(':memory:');
  migrate(db);
  store = createSqliteStore(db);
  imports = store.imports;
});
afterEach(() => store.close());

describe('the import ledger', () => {
  const migration: ImportGroup = {
    incident: { create: incident('Email migration', T0, T0 + 13 * DAY, 2) },
    posts: [
      post('guid-13', 1, 'Email migration: Update 13', T0),
      post('guid-14', 2, 'Email migration: Update 14', T0 + 13 * DAY),
    ],
  };

  it('writes the posts with one site delivery and one audit row each, and remembers their keys', () => {
    const now = Date.UTC(2026, 0, 1);
    const told: number[] = [];
    const written = imports.record([migration], {
      ...options(now),
      onPost: () => told.push(told.length + 1),
    });
    expect(told).toEqual([1, 2]);
    expect(written.map((w) => [w.key, w.number, w.deliveries.map((d) => d.outlet)])).toEqual([
      ['guid-13', 1, ['site']],
      ['guid-14', 2, ['site']],
    ]);
    const id = written[0]?.incidentId as number;
    expect(written[1]?.incidentId).toBe(id);
    expect(store.incident(id)).toMatchObject({ title: 'Email migration', status: 'resolved', lastNumber: 2 });
    expect(store.postsOf(id).map((p) => [p.number, p.publishedAt])).toEqual([
      [1, T0],
      [2, T0 + 13 * DAY],
    ]);
    // Queued now, not in 2013: the outbox's age is the import's.
    expect(store.deliveries().map((d) => [d.outlet, d.createdAt])).toEqual([
      ['site', now],
      ['site', now],
    ]);
    // Newest first.
    expect(store.audit().map((a) => [a.code, a.postId])).toEqual([
      ['import', written[1]?.postId],
      ['import', written[0]?.postId],
    ]);
    expect(imports.known(['guid-13', 'guid-14', 'guid-15'])).toEqual(new Set(['guid-13', 'guid-14']));
    expect(imports.series()).toEqual([
      { incidentId: id, title: 'Email migration', tags: ['migration'], lastAt: T0 + 13 * DAY, lastNumber: 2 },
    ]);
  });

  it('continues an imported incident', () => {
    const [first] = imports.record([migration], options(T0));
    const id = first?.incidentId as number;
    imports.record(
      [
        {
          incident: { id, patch: { closedAt: T0 + 20 * DAY, lastNumber: 3 } },
          posts: [post('guid-15', 3, 'Email migration: Update 15', T0 + 20 * DAY)],
        },
      ],
      options(T0),
    );
    expect(store.incident(id)).toMatchObject({ closedAt: T0 + 20 * DAY, lastNumber: 3 });
    expect(store.postsOf(id).map((p) => p.title)).toEqual([
      'Email migration: Update 13',
      'Email migration: Update 14',
      'Email migration: Update 15',
    ]);
  });

  it('writes nothing at all when one post of the import cannot be written', () => {
    imports.record([migration], options(T0));
    const before = dumpDatabase(db);
    const again: ImportGroup[] = [
      {
        incident: { create: incident('Spam defences on server NC018', T0 + 30 * DAY, T0 + 31 * DAY, 2) },
        posts: [post('guid-20', 1, 'Spam defences on server NC018', T0 + 30 * DAY)],
      },
      // The same key as an earlier import's post: the table refuses it, and the whole import rolls back.
      {
        incident: { create: incident('Backups', T0 + 40 * DAY, T0 + 40 * DAY, 1) },
        posts: [post('guid-14', 1, 'Backups', T0 + 40 * DAY)],
      },
    ];
    expect(() => imports.record(again, options(T0))).toThrow(/UNIQUE constraint failed: imported_items.key/);
    expect(dumpDatabase(db)).toBe(before);
  });
});
