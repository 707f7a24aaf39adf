-- Placeholder, so that monitors' migration can be numbered 012 (issue 17): subs-core's
-- 011-notifications.sql (issue 16) takes this file's place when the branches are merged.
SELECT 1;
