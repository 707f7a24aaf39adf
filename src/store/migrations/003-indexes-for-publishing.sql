-- What publishing asks often, kept cheap however long the history grows:
-- the incidents the site's index shows (active ones and those closed in the last 90 days) ...
CREATE INDEX incidents_by_closed_at ON incidents (closed_at);
-- ... and a delivery's unsent predecessors on its outlet (see src/store/outbox.ts).
CREATE INDEX deliveries_unsent ON deliveries (post_id, outlet) WHERE status <> 'sent';
