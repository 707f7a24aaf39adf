// Previews and handled requests: the tables that make chat buttons and platform retries safe to repeat.

import type { HandledRequest, Preview } from '../bot/ports.js';
import type { Actor } from '../bot/types.js';
import type { SqliteDatabase } from './open-database.js';

interface PreviewRow {
  id: string;
  text: string;
  actor: string;
  created_at: number;
  expires_at: number;
  status: Preview['status'];
  settled_at: number | null;
  post_id: number | null;
}

function toPreview(row: PreviewRow): Preview {
  const actor = JSON.parse(row.actor) as Actor;
  if (typeof actor?.id !== 'string' || typeof actor.platform !== 'string') {
    throw new Error(`preview ${row.id} has an unreadable actor`);
  }
  return {
    id: row.id,
    text: row.text,
    actor,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status: row.status,
    settledAt: row.settled_at,
    postId: row.post_id,
  };
}

export function createRequestStatements(db: SqliteDatabase) {
  const getRequest = db.prepare<[string]>('SELECT * FROM handled_requests WHERE key = ?');
  const putRequest = db.prepare<HandledRequest>(
    'INSERT INTO handled_requests (key, at, incident_id, post_id) VALUES (:key, :at, :incidentId, :postId)',
  );
  const getPreview = db.prepare<[string]>('SELECT * FROM previews WHERE id = ?');
  const putPreview = db.prepare<{
    id: string;
    text: string;
    platform: string;
    actorId: string;
    actor: string;
    createdAt: number;
    expiresAt: number;
  }>(
    `INSERT INTO previews (id, text, platform, actor_id, actor, created_at, expires_at)
     VALUES (:id, :text, :platform, :actorId, :actor, :createdAt, :expiresAt)`,
  );
  const settle = db.prepare<{ id: string; status: string; at: number; postId: number | null }>(
    `UPDATE previews SET status = :status, settled_at = :at, post_id = :postId WHERE id = :id AND status = 'pending'`,
  );
  const insertPreview = (p: Omit<Preview, 'status' | 'settledAt' | 'postId'>) =>
    putPreview.run({
      id: p.id,
      text: p.text,
      platform: p.actor.platform,
      actorId: p.actor.id,
      actor: JSON.stringify(p.actor),
      createdAt: p.createdAt,
      expiresAt: p.expiresAt,
    });
  return {
    handledRequest(key: string): HandledRequest | undefined {
      const row = getRequest.get(key) as
        | { key: string; at: number; incident_id: number | null; post_id: number | null }
        | undefined;
      return row && { key: row.key, at: row.at, incidentId: row.incident_id, postId: row.post_id };
    },
    recordRequest(request: HandledRequest): void {
      putRequest.run(request);
    },
    preview(id: string): Preview | undefined {
      const row = getPreview.get(id) as PreviewRow | undefined;
      return row && toPreview(row);
    },
    /**
     * A preview is written without waiting for the disk (synchronous=NORMAL for this one commit; the next
     * FULL commit syncs it along): it is not a publication, and after a power cut its buttons answer that
     * it expired. This keeps an fsync off the path of every slash command (see docs/benchmarks.md).
     */
    createPreview(p: Omit<Preview, 'status' | 'settledAt' | 'postId'>): void {
      // Inside a caller's transaction (the chat inbox settling its row) the caller's commit decides.
      if (db.inTransaction) {
        insertPreview(p);
        return;
      }
      db.pragma('synchronous = NORMAL');
      try {
        insertPreview(p);
      } finally {
        db.pragma('synchronous = FULL');
      }
    },
    settlePreview(id: string, status: 'published' | 'cancelled', at: number, postId: number | null): void {
      if (settle.run({ id, status, at, postId }).changes !== 1)
        throw new Error(`preview ${id} is not pending`);
    },
  };
}
