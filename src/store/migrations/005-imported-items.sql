-- Items of another status blog's feed that `herald import` brought in, each under the feed's own id for it
-- (the RSS guid or Atom id, else its link, else its title and date) with the post it became: importing the
-- same feed again finds its items here and adds nothing twice. Written in the import's one transaction.
CREATE TABLE imported_items (
  key TEXT PRIMARY KEY,
  post_id INTEGER NOT NULL UNIQUE REFERENCES posts (id),
  -- The file or URL it was read from, as given.
  source TEXT NOT NULL,
  imported_at INTEGER NOT NULL
) STRICT;
