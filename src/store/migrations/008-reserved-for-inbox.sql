-- Reserved: migration 008 belongs to the durable inbox (its own branch). This empty step only keeps the
-- numbers without a gap on the maintenance branch until that one is merged; the merge replaces this file
-- with the inbox's 008 (two files numbered 008 are refused by loadMigrations, so it cannot be missed).
SELECT 1;
