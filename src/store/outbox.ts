// The Outbox port on the deliveries table. Each mark is one statement, so it is atomic on its own.

import type { Outbox, Settlement } from '../bot/ports.js';
import { insertAudit } from './apply-change.js';
import { toDelivery } from './mappers.js';
import type { SqliteDatabase } from './open-database.js';
import type { Statements } from './statements.js';

export function createSqliteOutbox(db: SqliteDatabase, s: Statements): Outbox {
  const due = db.prepare<{ now: number; outlet: string | null; limit: number; ordered: number }>(
    `SELECT d.* FROM deliveries d
      WHERE d.status = 'pending' AND d.next_attempt_at <= :now AND (:outlet IS NULL OR d.outlet = :outlet)
        AND (:ordered = 0 OR NOT EXISTS (
              -- CROSS JOIN keeps SQLite to this order: the incident's few posts, then their deliveries
              -- (by post_id), rather than every delivery of the outlet in history.
              SELECT 1 FROM posts q CROSS JOIN deliveries e ON e.post_id = q.id
               WHERE q.incident_id = (SELECT incident_id FROM posts WHERE id = d.post_id)
                 AND e.outlet = d.outlet AND e.id < d.id AND e.status <> 'sent'))
      ORDER BY d.id LIMIT :limit`,
  );
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
      due.all({ now, outlet: outlet ?? null, limit: limit ?? -1, ordered: ordered ? 1 : 0 }).map(toDelivery),
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
