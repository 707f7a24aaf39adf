// The live promises of next updates (migration 007): the latest post of each active incident, when it
// promised one and is not retracted — the rule of src/bot/promises.ts, as one query — with the post's author
// from its audit row.

import { type LivePromise, PROMISING_STATUSES } from '../bot/promises.js';
import { toAuditEntry } from './mappers.js';
import type { SqliteDatabase } from './open-database.js';
import { readRow } from './rows.js';

export function createPromiseStatements(db: SqliteDatabase) {
  const statuses = PROMISING_STATUSES.map((s) => `'${s}'`).join(', ');
  const live = db.prepare<[]>(
    `SELECT p.id, p.incident_id, p.number, p.published_at, p.next_update_at
       FROM incidents i JOIN posts p ON p.incident_id = i.id
      WHERE i.status IN (${statuses})
        AND p.number = (SELECT max(q.number) FROM posts q WHERE q.incident_id = i.id)
        AND p.next_update_at IS NOT NULL
        AND p.retracted_at IS NULL
      ORDER BY p.next_update_at, p.id`,
  );
  // The post's first accepted audit row is the command that wrote it (later ones are its corrections).
  const authorOf = db.prepare<[number, number]>(
    `SELECT * FROM audit WHERE incident_id = ? AND post_id = ? AND result = 'ok' ORDER BY id LIMIT 1`,
  );
  const read = db.transaction((): LivePromise[] =>
    live.all().map((value) => {
      const r = readRow('posts', value);
      const incidentId = r.int('incident_id');
      const postId = r.int('id');
      const audit = authorOf.get(incidentId, postId);
      return {
        incidentId,
        postId,
        number: r.int('number'),
        madeAt: r.int('published_at'),
        at: r.int('next_update_at'),
        author: audit === undefined ? null : toAuditEntry(audit).actor,
      };
    }),
  );
  return {
    /** Live promises, soonest first, read in one snapshot. */
    promises: (): LivePromise[] => read.deferred(),
  };
}
