// Every statement the store runs, prepared once per store.

import type { SqliteDatabase } from './open-database.js';

type Id = [number];

interface IncidentRow {
  kind: string;
  status: string;
  title: string;
  tags: string;
  impact: string | null;
  openedAt: number;
  closedAt: number | null;
  startsAt: number | null;
  endsAt: number | null;
  lastNumber: number;
}

export function prepareStatements(db: SqliteDatabase) {
  return {
    components: db.prepare<[]>('SELECT * FROM components ORDER BY system, service'),
    incident: db.prepare<Id>('SELECT * FROM incidents WHERE id = ?'),
    activeIncidents: db.prepare<[]>(
      `SELECT * FROM incidents WHERE status IN ('open', 'scheduled', 'in_progress') ORDER BY opened_at, id`,
    ),
    incidents: db.prepare<{ statuses: string | null; limit: number }>(
      `SELECT * FROM incidents
       WHERE @statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses))
       ORDER BY opened_at DESC, id DESC LIMIT @limit`,
    ),
    componentsOf: db.prepare<Id>('SELECT * FROM incident_components WHERE incident_id = ? ORDER BY rowid'),
    post: db.prepare<[number, number]>('SELECT * FROM posts WHERE incident_id = ? AND number = ?'),
    postById: db.prepare<Id>('SELECT * FROM posts WHERE id = ?'),
    postsOf: db.prepare<Id>('SELECT * FROM posts WHERE incident_id = ? ORDER BY number'),
    recentPosts: db.prepare<[number]>('SELECT * FROM posts ORDER BY published_at DESC, id DESC LIMIT ?'),
    editsOf: db.prepare<Id>('SELECT * FROM post_edits WHERE post_id = ? ORDER BY edited_at, id'),
    deliveriesOf: db.prepare<Id>('SELECT * FROM deliveries WHERE post_id = ? ORDER BY id'),
    deliveries: db.prepare<{ status: string | null; outlet: string | null; action: string | null }>(
      `SELECT * FROM deliveries
       WHERE (@status IS NULL OR status = @status)
         AND (@outlet IS NULL OR outlet = @outlet)
         AND (@action IS NULL OR action = @action)
       ORDER BY id`,
    ),
    audit: db.prepare<[number]>('SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?'),

    insertIncident: db.prepare<IncidentRow>(
      `INSERT INTO incidents
         (kind, status, title, tags, impact, opened_at, closed_at, starts_at, ends_at, last_number)
       VALUES (@kind, @status, @title, @tags, @impact, @openedAt, @closedAt, @startsAt, @endsAt, @lastNumber)`,
    ),
    updateIncident: db.prepare<IncidentRow & { id: number }>(
      `UPDATE incidents SET status = @status, title = @title, tags = @tags, impact = @impact,
         opened_at = @openedAt, closed_at = @closedAt, starts_at = @startsAt, ends_at = @endsAt,
         last_number = @lastNumber, kind = @kind
       WHERE id = @id`,
    ),
    clearComponentsOf: db.prepare<Id>('DELETE FROM incident_components WHERE incident_id = ?'),
    insertComponentOf: db.prepare<[number, string, string]>(
      'INSERT INTO incident_components (incident_id, system, service) VALUES (?, ?, ?)',
    ),
    insertPost: db.prepare<{
      incidentId: number;
      number: number;
      title: string;
      text: string;
      tags: string;
      author: string;
      publishedAt: number;
      eventAt: number | null;
      state: string | null;
      nextUpdateAt: number | null;
    }>(
      `INSERT INTO posts
         (incident_id, number, title, text, tags, author, published_at, event_at, state, next_update_at)
       VALUES
         (@incidentId, @number, @title, @text, @tags, @author, @publishedAt, @eventAt, @state, @nextUpdateAt)`,
    ),
    bumpLastNumber: db.prepare<[number, number]>(
      'UPDATE incidents SET last_number = max(last_number, ?) WHERE id = ?',
    ),
    insertEdit: db.prepare<[number, string, string, number]>(
      'INSERT INTO post_edits (post_id, text, author, edited_at) VALUES (?, ?, ?, ?)',
    ),
    retractPost: db.prepare<{ postId: number; at: number; author: string; reason: string }>(
      `UPDATE posts SET retracted_at = @at, retracted_by = @author, retract_reason = @reason
       WHERE id = @postId AND retracted_at IS NULL`,
    ),
    upsertComponent: db.prepare<{ system: string; service: string; state: string; at: number }>(
      `INSERT INTO components (system, service, state, since) VALUES (@system, @service, @state, @at)
       ON CONFLICT (system, service) DO UPDATE SET
         since = CASE WHEN components.state = excluded.state THEN components.since ELSE excluded.since END,
         state = excluded.state`,
    ),
    insertDelivery: db.prepare<{
      postId: number;
      outlet: string;
      action: string;
      editId: number | null;
      at: number;
      requestId: string | null;
    }>(
      `INSERT INTO deliveries
         (post_id, outlet, action, edit_id, status, attempts, next_attempt_at, created_at, request_id)
       VALUES (@postId, @outlet, @action, @editId, 'pending', 0, @at, @at, @requestId)`,
    ),
    insertAudit: db.prepare<{
      at: number;
      platform: string;
      actorId: string;
      actorName: string;
      channel: string | null;
      guild: string | null;
      text: string;
      result: string;
      code: string;
      incidentId: number | null;
      postId: number | null;
    }>(
      `INSERT INTO audit
         (at, platform, actor_id, actor_name, channel, guild, text, result, code, incident_id, post_id)
       VALUES (@at, @platform, @actorId, @actorName, @channel, @guild, @text, @result, @code, @incidentId, @postId)`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
