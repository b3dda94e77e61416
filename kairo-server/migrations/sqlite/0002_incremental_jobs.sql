-- The earliest execution time among the trades a pending recompute must (re)write audit rows for; the job replays
-- the history before it without writing. NULL: rewrite every row of the user.
ALTER TABLE kairo_jobs ADD COLUMN dirty_from TEXT;
