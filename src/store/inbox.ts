// The inbox table (migration 008): chat requests appended before they are acknowledged, drained in arrival
// order by one worker. Statements only; the group commit and the worker live in src/adapters/chat/.

import type { SqliteDatabase } from './open-database.js';

export interface InboxEntry {
  /** The platform's id for the request: `slack:<trigger_id>`, `discord:<interaction id>`. Unique. */
  requestId: string;
  platform: string;
  /** What was asked: `command`, `preview`, `publish`, `cancel`, `prompt`, ... (the surface decides). */
  kind: string;
  /** Everything the worker needs to do the work and answer later; stored as JSON. */
  payload: unknown;
  receivedAt: number;
}

export interface InboxRow extends InboxEntry {
  id: number;
  status: 'pending' | 'done' | 'failed';
  doneAt: number | null;
}

export interface InboxStore {
  /**
   * Appends entries in ONE transaction (a group commit: one fsync for all). For each entry, in order: the
   * new row's id, or null when its request id was already there (a retry, a double click).
   */
  appendAll(entries: readonly InboxEntry[]): Array<number | null>;
  /** Pending rows, oldest first, at most `limit`. */
  pending(limit: number): InboxRow[];
  /**
   * Runs `work` and marks the row done in the same transaction: the change the work made and the row's
   * status commit together, or neither does. Nested store transactions become savepoints. `durable: false`
   * (a preview) commits without waiting for the disk: after a power cut the row is simply pending again
   * and is worked once more; a change that may be published waits for its fsync.
   */
  settle<T>(id: number, at: number, work: () => T, durable?: boolean): T;
  /** Marks a row failed (its work threw), in a transaction of its own. */
  fail(id: number, at: number, error: string): void;
  /** How many rows wait. */
  pendingCount(): number;
  /**
   * Deletes the rows finished (done or failed) before `before`; pending rows are never touched. Returns how
   * many went.
   */
  prune(before: number): number;
}

interface Row {
  id: number;
  request_id: string;
  platform: string;
  kind: string;
  payload: string;
  received_at: number;
  status: InboxRow['status'];
  done_at: number | null;
}

const toRow = (r: Row): InboxRow => ({
  id: r.id,
  requestId: r.request_id,
  platform: r.platform,
  kind: r.kind,
  payload: JSON.parse(r.payload) as unknown,
  receivedAt: r.received_at,
  status: r.status,
  doneAt: r.done_at,
});

export function createInboxStore(db: SqliteDatabase): InboxStore {
  const insert = db.prepare<[string, string, string, string, number]>(
    `INSERT INTO inbox (request_id, platform, kind, payload, received_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (request_id) DO NOTHING`,
  );
  const pending = db.prepare<[number]>(`SELECT * FROM inbox WHERE status = 'pending' ORDER BY id LIMIT ?`);
  const count = db.prepare(`SELECT count(*) AS n FROM inbox WHERE status = 'pending'`).pluck();
  const prune = db.prepare<[number]>(`DELETE FROM inbox WHERE status != 'pending' AND done_at < ?`);
  const finish = db.prepare<[string, number, string | null, number]>(
    `UPDATE inbox SET status = ?, done_at = ?, error = ? WHERE id = ? AND status = 'pending'`,
  );
  const appendAll = db.transaction((entries: readonly InboxEntry[]) =>
    entries.map((e) => {
      const r = insert.run(e.requestId, e.platform, e.kind, JSON.stringify(e.payload ?? null), e.receivedAt);
      return r.changes === 1 ? Number(r.lastInsertRowid) : null;
    }),
  );
  const settle = db.transaction((id: number, at: number, work: () => unknown) => {
    const result = work();
    if (result instanceof Promise) throw new TypeError('settle() takes a synchronous function');
    if (finish.run('done', at, null, id).changes !== 1) throw new Error(`inbox row ${id} is not pending`);
    return result;
  });
  return {
    appendAll: (entries) => appendAll.immediate(entries),
    pending: (limit) => (pending.all(limit) as Row[]).map(toRow),
    settle<T>(id: number, at: number, work: () => T, durable = true): T {
      if (durable) return settle.immediate(id, at, work) as T;
      db.pragma('synchronous = NORMAL');
      try {
        return settle.immediate(id, at, work) as T;
      } finally {
        db.pragma('synchronous = FULL');
      }
    },
    fail(id, at, error) {
      finish.run('failed', at, error.slice(0, 1000), id);
    },
    pendingCount: () => count.get() as number,
    prune: (before) => prune.run(before).changes,
  };
}
