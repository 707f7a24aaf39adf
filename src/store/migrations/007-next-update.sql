-- A post's promise of the next update (`--next 20:00`): the instant (epoch ms, UTC) by which it said the
-- next update would come. NULL: it promised nothing. Only the incident's latest post's promise is live (a
-- later post clears it; see docs/promises.md); Herald's reminder five minutes before it is recorded in
-- automation_steps as step `next-reminder:<post id>`, once.
ALTER TABLE posts ADD COLUMN next_update_at INTEGER;
