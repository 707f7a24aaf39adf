// The Outbox port on the deliveries table. Each mark is one statement, so it is atomic on its own.
// An ordered (threaded) outlet's deliveries come out in the order they were recorded: see dueInOrder.

import type { Outbox, Settlement } from '../bot/ports.js';
import type { Delivery } from '../bot/types.js';
import { insertAudit } from './apply-change.js';
import { toDelivery } from './mappers.js';
import type { SqliteDatabase } from './open-database.js';
import type { Statements } from './statements.js';

export function createSqliteOutbox(db: SqliteDatabase, s: Statements): Outbox {
  const dueAny = db.prepare<{ now: number; outlet: string | null; limit: number }>(
    `SELECT d.* FROM deliveries d
      WHERE d.status = 'pending' AND d.next_attempt_at <= :now AND (:outlet IS NULL OR d.outlet = :outlet)
      ORDER BY d.id LIMIT :limit`,
  );
  // Every pending delivery, oldest first, whether due or not (a retry waiting out its backoff holds the
  // line), with its incident and whether an earlier delivery of that incident to the same outlet failed.
  const pendingInOrder = db.prepare<{ outlet: string | null }>(
    `SELECT d.*, p.incident_id AS incident,
            EXISTS (
              -- CROSS JOIN keeps SQLite to this order: the incident's few posts, then their deliveries.
              SELECT 1 FROM posts q CROSS JOIN deliveries e ON e.post_id = q.id
               WHERE q.incident_id = p.incident_id AND e.outlet = d.outlet AND e.id < d.id
                 AND e.status = 'failed') AS behind_failure
       FROM deliveries d JOIN posts p ON p.id = d.post_id
      WHERE d.status = 'pending' AND (:outlet IS NULL OR d.outlet = :outlet)
      ORDER BY d.id`,
  );

  /**
   * An ordered outlet takes its deliveries in the order they were recorded, across incidents, so that no
   * post overtakes an earlier one: the due ones from the oldest pending, up to the first that must wait —
   * one not yet due (a retry in its backoff), or one whose incident's previous post to the outlet is still
   * pending (it needs that post's remote id for its thread, so it goes in a later pass). Only a delivery
   * behind a failed one of its own incident (which waits for staff to re-queue it) is stepped over: it
   * must not stop every later announcement on that outlet.
   */
  function dueInOrder(now: number, outlet: string | null, limit: number): Delivery[] {
    const batch: Delivery[] = [];
    const halted = new Set<string>();
    const incidents = new Map<string, Set<number>>();
    for (const row of pendingInOrder.iterate({ outlet })) {
      const r = row as { outlet: string; incident: number; behind_failure: number; next_attempt_at: number };
      if (halted.has(r.outlet) || r.behind_failure) continue;
      const inBatch = incidents.get(r.outlet) ?? new Set<number>();
      incidents.set(r.outlet, inBatch);
      if (inBatch.has(r.incident) || r.next_attempt_at > now) {
        halted.add(r.outlet);
        // One outlet asked for: nothing after this can be due.
        if (outlet !== null) break;
        continue;
      }
      inBatch.add(r.incident);
      batch.push(toDelivery(row));
      if (limit >= 0 && batch.length >= limit) break;
    }
    return batch;
  }
  const begin = db.prepare<{ id: number }>(
    `UPDATE deliveries SET attempts = attempts + 1 WHERE id = :id AND status = 'pending'`,
  );
  const beginAll = db.transaction((ids: readonly number[]) => {
    for (const id of ids) begin.run({ id });
  });
  const sent = db.prepare<{ id: number; remoteId: string | null; remoteUrl: string | null; at: number }>(
    `UPDATE deliveries SET status = 'sent', remote_id = :remoteId, remote_url = :remoteUrl,
            sent_at = :at, next_attempt_at = NULL, last_error = NULL
      WHERE id = :id AND status = 'pending'`,
  );
  const retry = db.prepare<{ id: number; error: string; next: number }>(
    `UPDATE deliveries SET last_error = :error, next_attempt_at = :next WHERE id = :id AND status = 'pending'`,
  );
  const failed = db.prepare<{ id: number; error: string }>(
    `UPDATE deliveries SET status = 'failed', last_error = :error, next_attempt_at = NULL
      WHERE id = :id AND status = 'pending'`,
  );
  const requeue = db.prepare<{ now: number; postId: number | null }>(
    `UPDATE deliveries SET status = 'pending', next_attempt_at = :now
      WHERE status = 'failed' AND (:postId IS NULL OR post_id = :postId)`,
  );
  const threadEnd = (order: 'ASC' | 'DESC') =>
    db
      .prepare<{ postId: number; outlet: string; before: number }>(
        `SELECT e.remote_id FROM posts q CROSS JOIN deliveries e ON e.post_id = q.id
          WHERE q.incident_id = (SELECT incident_id FROM posts WHERE id = :postId)
            AND e.outlet = :outlet AND e.status = 'sent' AND e.remote_id IS NOT NULL AND e.id < :before
          ORDER BY e.id ${order} LIMIT 1`,
      )
      .pluck();
  const root = threadEnd('ASC');
  const parent = threadEnd('DESC');
  return {
    due: (now, { outlet, limit, ordered } = {}) =>
      ordered
        ? dueInOrder(now, outlet ?? null, limit ?? -1)
        : dueAny.all({ now, outlet: outlet ?? null, limit: limit ?? -1 }).map(toDelivery),
    begin(ids) {
      beginAll(ids);
    },
    settle: db.transaction((outcomes: readonly Settlement[]) => {
      for (const o of outcomes) {
        if (o.status === 'sent')
          sent.run({ id: o.id, remoteId: o.remoteId, remoteUrl: o.remoteUrl, at: o.at });
        else if (o.status === 'retry') retry.run({ id: o.id, error: o.error, next: o.nextAttemptAt });
        else failed.run({ id: o.id, error: o.error });
      }
    }),
    requeue: db.transaction((postId: number | null, audit) => {
      const n = requeue.run({ now: audit.at, postId }).changes;
      insertAudit(s, { ...audit, postId });
      return n;
    }),
    thread(delivery) {
      const args = { postId: delivery.postId, outlet: delivery.outlet, before: delivery.id };
      return {
        root: (root.get(args) as string | undefined) ?? null,
        parent: (parent.get(args) as string | undefined) ?? null,
      };
    },
  };
}
