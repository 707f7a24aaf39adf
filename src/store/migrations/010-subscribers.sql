-- Subscribers (issue 16): clients who follow Herald by e-mail or by a signed webhook, per component.
-- A row is personal data: `herald subscribers remove <address>` deletes it with its scope and its
-- notifications (ON DELETE CASCADE), which is why this table, unlike the history, is deleted from.
-- status: pending until the double opt-in (the confirmation link, or a webhook's 2xx to the signed test
-- delivery); active; disabled after a run of failed deliveries; unsubscribed (kept only as long as
-- docs/subscribers.md says, so that an old confirmation link cannot bring it back).
CREATE TABLE subscribers (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  -- The e-mail address (domain lower-cased) or the webhook URL, as confirmed.
  address TEXT NOT NULL,
  -- A webhook's optional e-mail address, told when the webhook is disabled.
  contact_email TEXT,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'active', 'disabled', 'unsubscribed')),
  -- 1: every component, now and later; 0: only those in subscriber_components.
  all_components INTEGER NOT NULL DEFAULT 1 CHECK (all_components IN (0, 1)),
  -- A webhook's signing secret (Standard Webhooks, `whsec_…`); NULL for e-mail.
  secret TEXT,
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER,
  -- Consecutive failed deliveries (reset by a success), and when the run of them disabled it.
  failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  disabled_at INTEGER,
  unsubscribed_at INTEGER,
  UNIQUE (channel, address)
) STRICT;

CREATE INDEX subscribers_active ON subscribers (id) WHERE status = 'active';

-- The components a subscriber follows when all_components = 0: a whole system (service = '') or one of
-- its services.
CREATE TABLE subscriber_components (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  system TEXT NOT NULL,
  service TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (subscriber_id, system, service)
) STRICT;

CREATE INDEX subscriber_components_by_component ON subscriber_components (system, service);
