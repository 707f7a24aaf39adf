-- Herald's first schema. Every time is INTEGER epoch milliseconds (UTC); tags are JSON arrays of strings.
-- Ids are never reused because nothing is ever deleted: an incident's id is its public number (#42).

CREATE TABLE components (
  system TEXT NOT NULL,
  service TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('operational', 'degraded', 'down', 'maintenance')),
  -- When the state last changed; an upsert with the same state keeps it.
  since INTEGER NOT NULL,
  PRIMARY KEY (system, service)
) STRICT;

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('outage', 'maintenance', 'notice')),
  status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'scheduled', 'in_progress', 'completed')),
  title TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  impact TEXT CHECK (impact IN ('operational', 'degraded', 'down', 'maintenance')),
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  starts_at INTEGER,
  ends_at INTEGER,
  last_number INTEGER NOT NULL DEFAULT 0 CHECK (last_number >= 0)
) STRICT;

CREATE INDEX incidents_by_status ON incidents (status, opened_at);

-- Read back in insertion (rowid) order, so an incident's components keep the order they were given in.
CREATE TABLE incident_components (
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  system TEXT NOT NULL,
  service TEXT NOT NULL,
  PRIMARY KEY (incident_id, system, service)
) STRICT;

-- A post is never rewritten: corrections go to post_edits, a retraction fills the retracted_* columns.
-- UNIQUE (incident_id, number) is also the index for an incident's posts.
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  number INTEGER NOT NULL CHECK (number >= 1),
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  author TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  event_at INTEGER,
  state TEXT CHECK (state IN ('operational', 'degraded', 'down', 'maintenance')),
  retracted_at INTEGER,
  retracted_by TEXT,
  retract_reason TEXT,
  CHECK ((retracted_at IS NULL) = (retracted_by IS NULL) AND (retracted_at IS NULL) = (retract_reason IS NULL)),
  UNIQUE (incident_id, number)
) STRICT;

CREATE INDEX posts_by_published_at ON posts (published_at);

CREATE TABLE post_edits (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id),
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  edited_at INTEGER NOT NULL
) STRICT;

CREATE INDEX post_edits_by_post ON post_edits (post_id, edited_at);

-- The outbox: one row per post (or correction, or retraction) per outlet. `failed` rows with a
-- next_attempt_at are retried; a new row is due at once (next_attempt_at = created_at).
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id),
  outlet TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('publish', 'edit', 'retract')),
  edit_id INTEGER REFERENCES post_edits (id),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  remote_id TEXT,
  remote_url TEXT,
  last_error TEXT,
  next_attempt_at INTEGER,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  CHECK ((action = 'edit') = (edit_id IS NOT NULL)),
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
) STRICT;

-- Exactly once per outlet: a post is published once, each correction sent once, a retraction once.
CREATE UNIQUE INDEX deliveries_once ON deliveries (post_id, outlet, action, coalesce(edit_id, 0));
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

-- Who did what, from where, when. platform is checked when read, not by a CHECK, so that a new chat
-- surface needs no table rebuild.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  platform TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  channel TEXT,
  guild TEXT,
  text TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('ok', 'refused', 'error')),
  code TEXT NOT NULL,
  incident_id INTEGER REFERENCES incidents (id),
  post_id INTEGER REFERENCES posts (id)
) STRICT;

CREATE INDEX audit_by_at ON audit (at);
