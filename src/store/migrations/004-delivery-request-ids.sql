-- The request id of the command that queued a delivery (a Slack trigger, a Discord interaction, a shell
-- line), so that the delivery's log lines carry the command's id even when it is sent after a restart.
-- NULL for deliveries queued before this version.
ALTER TABLE deliveries ADD COLUMN request_id TEXT;
