-- Notifications (issue 16): one row per message to one subscriber, written by the 'subscribers' outlet's
-- fan-out (INSERT OR IGNORE on `key`, so that doing a fan-out again after a crash adds nothing) and sent by
-- the notification worker (src/subscribers/worker.ts), each attempt counted before the send.
-- Deleted with its subscriber (personal data: `herald subscribers remove`), never otherwise.
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  -- Unique per message: `p<post>.<action>[.<edit>].s<subscriber>` for a post, `d<disabled_at>.s<subscriber>`
  -- for the mail that tells a webhook's contact it was disabled. A webhook's `webhook-id` is made of it.
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('post', 'disabled')),
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  post_id INTEGER REFERENCES posts (id),
  action TEXT CHECK (action IN ('publish', 'edit', 'retract')),
  edit_id INTEGER REFERENCES post_edits (id),
  -- pending: to send (or being sent); sent; failed: given up after the retries; dropped: not to be sent
  -- (an edit of a post the subscriber never received, a subscriber no longer active).
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
  -- Counted before each send: attempts > 0 on a pending row means a send may have reached the receiver.
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  CHECK ((kind = 'post') = (post_id IS NOT NULL AND action IS NOT NULL)),
  CHECK ((action = 'edit') = (edit_id IS NOT NULL)),
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
) STRICT;

-- The worker's queue: the pending rows by when they are due.
CREATE INDEX notifications_due ON notifications (next_attempt_at, id) WHERE status = 'pending';
-- Edits and retractions go to those who received the original; a subscriber's rows go with it.
CREATE INDEX notifications_by_post ON notifications (post_id, subscriber_id);
CREATE INDEX notifications_by_subscriber ON notifications (subscriber_id);
