-- A maintenance can be cancelled (`cancel 4 "…"`): called off, never completed. SQLite cannot widen a
-- CHECK constraint in place, so the incidents table is rebuilt with 'cancelled' among its statuses, as
-- https://www.sqlite.org/lang_altertable.html#otheralter describes: migrate() runs this step with foreign
-- keys off and checks them (PRAGMA foreign_key_check) before it commits. Columns, ids and indexes are as
-- 001 and 003 made them.
CREATE TABLE incidents_009 (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('outage', 'maintenance', 'notice')),
  status TEXT NOT NULL CHECK (
    status IN ('open', 'resolved', 'scheduled', 'in_progress', 'completed', 'cancelled')
  ),
  title TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  impact TEXT CHECK (impact IN ('operational', 'degraded', 'down', 'maintenance')),
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  starts_at INTEGER,
  ends_at INTEGER,
  last_number INTEGER NOT NULL DEFAULT 0 CHECK (last_number >= 0)
) STRICT;

INSERT INTO incidents_009
  (id, kind, status, title, tags, impact, opened_at, closed_at, starts_at, ends_at, last_number)
SELECT id, kind, status, title, tags, impact, opened_at, closed_at, starts_at, ends_at, last_number
FROM incidents;

DROP TABLE incidents;
ALTER TABLE incidents_009 RENAME TO incidents;

CREATE INDEX incidents_by_status ON incidents (status, opened_at);
CREATE INDEX incidents_by_closed_at ON incidents (closed_at);
