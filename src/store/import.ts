// The ImportLedger port on SQLite: the imported_items table (migration 005), and the import's one write,
// which goes through applyChange like every command's, so an imported post is stored exactly as one typed.

import type { Change, ImportedPost, ImportedSeries, ImportLedger } from '../bot/ports.js';
import type { Incident } from '../bot/types.js';
import { applyChange } from './apply-change.js';
import { toComponentKey, toIncident } from './mappers.js';
import type { SqliteDatabase } from './open-database.js';
import { readRow } from './rows.js';
import type { Statements } from './statements.js';

export function createSqliteImports(db: SqliteDatabase, s: Statements): ImportLedger {
  const known = db.prepare<[string]>('SELECT 1 FROM imported_items WHERE key = ?').pluck();
  const remember = db.prepare<{ key: string; postId: number; source: string; at: number }>(
    `INSERT INTO imported_items (key, post_id, source, imported_at) VALUES (:key, :postId, :source, :at)`,
  );
  const series = db.prepare<[]>(
    `SELECT i.id, i.title, i.tags, i.last_number, max(p.published_at) AS last_at
       FROM incidents i JOIN posts p ON p.incident_id = i.id
      WHERE i.id IN (SELECT q.incident_id FROM imported_items m JOIN posts q ON q.id = m.post_id)
      GROUP BY i.id ORDER BY i.id`,
  );
  const loadIncident = (id: number): Incident | undefined => {
    const row = s.incident.get(id);
    return row === undefined ? undefined : toIncident(row, s.componentsOf.all(id).map(toComponentKey));
  };

  return {
    known: (keys) => new Set(keys.filter((key) => known.get(key) !== undefined)),
    series: () =>
      series.all().map((value): ImportedSeries => {
        const r = readRow('incidents', value);
        return {
          incidentId: r.int('id'),
          title: r.text('title'),
          tags: r.strings('tags'),
          lastAt: r.int('last_at'),
          lastNumber: r.int('last_number'),
        };
      }),
    record: (groups, { source, outlets, audit, onPost }) =>
      db
        .transaction((): ImportedPost[] => {
          const written: ImportedPost[] = [];
          for (const group of groups) {
            let incident: Change['incident'] = group.incident;
            for (const { key, post } of group.posts) {
              const applied = applyChange(s, loadIncident, {
                kind: 'notice',
                incident,
                post,
                edit: null,
                retract: null,
                // An imported post changes no component: "Systems at a glance" stays as it is.
                components: [],
                outlets: [...outlets],
                audit,
              });
              const postId = applied.postId as number;
              remember.run({ key, postId, source, at: audit.at });
              written.push({
                key,
                incidentId: applied.incidentId,
                postId,
                number: post.number,
                deliveries: applied.deliveries,
              });
              // The group's later posts join the incident its first one created (or continued).
              incident = { id: applied.incidentId, patch: {} };
              onPost?.();
            }
          }
          return written;
        })
        .immediate(),
  };
}
