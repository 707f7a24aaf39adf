-- What Herald does by itself (src/scheduler.ts): a scheduled maintenance's reminders, its start and the
-- question to its author at its expected end. Each step of an incident is recorded once, under its key
-- (`reminder-24h`, `start`, `end-prompt`), in the same transaction as the post it writes: a step that is
-- recorded is never done again, after a crash or a restart. A step whose moment passed while Herald was
-- down, and which no longer makes sense, is recorded as skipped, with why.
CREATE TABLE automation_steps (
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  step TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  done_at INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('posted', 'skipped', 'prompted')),
  post_id INTEGER REFERENCES posts (id),
  note TEXT,
  CHECK ((outcome = 'posted') = (post_id IS NOT NULL)),
  PRIMARY KEY (incident_id, step)
) STRICT;

-- Questions Herald asks a person in chat (is the maintenance complete?), queued in the transaction of the
-- step that asks, and sent by the chat adapter of the person's platform. A question is sent at least once:
-- after a crash between sending and marking it sent, it is sent again.
CREATE TABLE prompts (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL,
  step TEXT NOT NULL,
  kind TEXT NOT NULL,
  platform TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
  UNIQUE (incident_id, step),
  FOREIGN KEY (incident_id, step) REFERENCES automation_steps (incident_id, step)
) STRICT;

CREATE INDEX prompts_pending ON prompts (id) WHERE status = 'pending';

-- Who opened an incident (the author a maintenance's question goes to) is its first audit row.
CREATE INDEX audit_by_incident ON audit (incident_id) WHERE incident_id IS NOT NULL;
