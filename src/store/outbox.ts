// The Outbox port on the deliveries table. Each mark is one statement, so it is atomic on its own.

import type { Outbox } from '../bot/ports.js';
import { toDelivery } from './mappers.js';
import type { SqliteDatabase } from './open-database.js';

export function createSqliteOutbox(db: SqliteDatabase): Outbox {
  const due = db.prepare<{ now: number; outlet: string | null; limit: number }>(
    `SELECT * FROM deliveries
      WHERE status = 'pending' AND next_attempt_at <= :now AND (:outlet IS NULL OR outlet = :outlet)
      ORDER BY id LIMIT :limit`,
  );
  const sent = db.prepare<{ id: number; remoteId: string | null; remoteUrl: string | null; at: number }>(
    `UPDATE deliveries SET status = 'sent', attempts = attempts + 1, remote_id = :remoteId, remote_url = :remoteUrl,
            sent_at = :at, next_attempt_at = NULL, last_error = NULL
      WHERE id = :id AND status = 'pending'`,
  );
  const retry = db.prepare<{ id: number; error: string; next: number }>(
    `UPDATE deliveries SET attempts = attempts + 1, last_error = :error, next_attempt_at = :next
      WHERE id = :id AND status = 'pending'`,
  );
  const failed = db.prepare<{ id: number; error: string }>(
    `UPDATE deliveries SET status = 'failed', attempts = attempts + 1, last_error = :error, next_attempt_at = NULL
      WHERE id = :id AND status = 'pending'`,
  );
  const requeue = db.prepare<{ now: number; postId: number | null }>(
    `UPDATE deliveries SET status = 'pending', next_attempt_at = :now
      WHERE status = 'failed' AND (:postId IS NULL OR post_id = :postId)`,
  );
  return {
    due: (now, { outlet, limit } = {}) =>
      due.all({ now, outlet: outlet ?? null, limit: limit ?? -1 }).map(toDelivery),
    markSent(id, remote, at) {
      sent.run({ id, remoteId: remote.id, remoteUrl: remote.url, at });
    },
    markRetry(id, error, next) {
      retry.run({ id, error, next });
    },
    markFailed(id, error) {
      failed.run({ id, error });
    },
    requeue: (now, postId) => requeue.run({ now, postId: postId ?? null }).changes,
  };
}
