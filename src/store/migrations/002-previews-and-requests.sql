-- Previews: a change shown to its author before it is published (chat Publish / Edit / Cancel buttons).
-- The id is the token the buttons carry. A preview is settled once: published (with its post) or cancelled.
CREATE TABLE previews (
  id TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  platform TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor TEXT NOT NULL CHECK (json_valid(actor)),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'cancelled')),
  settled_at INTEGER,
  post_id INTEGER REFERENCES posts (id),
  CHECK ((status = 'pending') = (settled_at IS NULL))
) STRICT;

-- Requests already handled, by the platform's own id for them (a Slack trigger_id, a Discord interaction
-- id, a button press): a platform's retry, or a double click, finds its key here and changes nothing twice.
CREATE TABLE handled_requests (
  key TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  incident_id INTEGER REFERENCES incidents (id),
  post_id INTEGER REFERENCES posts (id)
) STRICT;
