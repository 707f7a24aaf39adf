-- Monitors (issue 17): alerts from Prometheus Alertmanager and other monitors become proposals, posts
-- Herald drafted and staff publish with one press (src/monitors/).

-- What Herald knows of each alert group as its monitor last told it: Alertmanager's groupKey, or the
-- generic hook's id (or component). Kept across restarts so that a repeated notification (repeat_interval)
-- changes nothing, a changed group updates its proposal in place, and a resolve waits out the flapping
-- window (resolved_at) before the "back up" update is proposed.
CREATE TABLE monitor_groups (
  source TEXT NOT NULL,
  group_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  -- What the group says now, to tell a change from a repeat: the firing alerts' fingerprints (sorted),
  -- the components and the state they map to.
  signature TEXT NOT NULL,
  -- The mapped alerts: components, state, alert count, labels and annotations for the templates (JSON).
  facts TEXT NOT NULL CHECK (json_valid(facts)),
  -- When it began firing this time (the post's event time).
  firing_since INTEGER NOT NULL,
  -- When it resolved, while the flapping window runs; NULL when firing or settled.
  resolved_at INTEGER,
  -- This firing's proposal (open, or decided: a decided one keeps the group from being proposed again
  -- until it resolves); NULL before one is made and after the group settled.
  proposal_id INTEGER REFERENCES proposals (id),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (source, group_key)
) STRICT;

CREATE INDEX monitor_groups_settling ON monitor_groups (resolved_at) WHERE resolved_at IS NOT NULL;

-- A proposal: the command it proposes, exactly as staff would type it, and the post as it would read.
-- One open proposal per group at a time (the unique index); it grows a revision each time the group
-- changes, and its board messages are updated in place.
CREATE TABLE proposals (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  group_key TEXT NOT NULL,
  command TEXT NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  components TEXT NOT NULL CHECK (json_valid(components)),
  state TEXT NOT NULL CHECK (state IN ('operational', 'degraded', 'down', 'maintenance')),
  incident_id INTEGER REFERENCES incidents (id),
  resolves INTEGER NOT NULL DEFAULT 0 CHECK (resolves IN (0, 1)),
  alert_count INTEGER NOT NULL DEFAULT 0 CHECK (alert_count >= 0),
  informational INTEGER NOT NULL DEFAULT 0 CHECK (informational IN (0, 1)),
  -- A line for staff beside the post (why it is informational, that it was auto-published, ...).
  note TEXT,
  revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
  fate TEXT NOT NULL DEFAULT 'open'
    CHECK (fate IN ('open', 'published', 'edited', 'dismissed', 'expired', 'auto_published', 'superseded')),
  publish_at INTEGER,
  expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  decided_at INTEGER,
  -- The actor (JSON) who published, edited or dismissed it.
  decided_by TEXT CHECK (decided_by IS NULL OR json_valid(decided_by)),
  published_incident_id INTEGER REFERENCES incidents (id),
  published_post_number INTEGER,
  CHECK ((fate = 'open') = (decided_at IS NULL))
) STRICT;

CREATE UNIQUE INDEX proposals_open_group ON proposals (source, group_key) WHERE fate = 'open';
CREATE INDEX proposals_open ON proposals (id) WHERE fate = 'open';

-- Each board's message showing a proposal (Slack's ts, Discord's message id, the shell's line), and the
-- revision it shows: after a restart, a board behind its proposal is brought up to date in place.
CREATE TABLE proposal_messages (
  proposal_id INTEGER NOT NULL REFERENCES proposals (id),
  board TEXT NOT NULL,
  remote_id TEXT,
  revision INTEGER NOT NULL,
  shown_at INTEGER NOT NULL,
  PRIMARY KEY (proposal_id, board)
) STRICT;

-- The audit of fates: every proposal made, changed and decided, by whom, and what it became.
CREATE TABLE proposal_fates (
  id INTEGER PRIMARY KEY,
  proposal_id INTEGER NOT NULL REFERENCES proposals (id),
  event TEXT NOT NULL
    CHECK (event IN ('proposed', 'revised', 'published', 'edited', 'dismissed', 'expired',
                     'auto_published', 'superseded')),
  revision INTEGER NOT NULL,
  actor TEXT CHECK (actor IS NULL OR json_valid(actor)),
  at INTEGER NOT NULL,
  incident_id INTEGER,
  post_number INTEGER,
  note TEXT
) STRICT;

CREATE INDEX proposal_fates_by_proposal ON proposal_fates (proposal_id, id);
