-- The inbox (the outbox's twin): every verified chat request is appended here before it is acknowledged,
-- so that "acknowledged" means "recorded". request_id is the platform's own id for the request
-- (`slack:<trigger_id>`, `discord:<interaction id>`): a retry or a double click finds it at the door, also
-- after a restart. One worker drains the pending rows in arrival order (id) and marks each done in the same
-- transaction as the change it made; payload holds everything it needs to do the work and answer later
-- (the text, the actor, the reply address: a Slack response_url, a Discord application id and token).
CREATE TABLE inbox (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  platform TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  done_at INTEGER,
  error TEXT,
  CHECK ((status = 'pending') = (done_at IS NULL))
) STRICT;

-- The worker's one question: the pending rows, oldest first.
CREATE INDEX inbox_pending ON inbox (id) WHERE status = 'pending';
