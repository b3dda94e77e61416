-- At most one pending (unclaimed) job of a kind per user, so that storing a trade enqueues its user's recompute
-- with one race-free `INSERT ... ON CONFLICT` (two ingestions of the same user at once used to be able to queue a
-- job each). Duplicates left by earlier versions are folded into the user's oldest pending job first: its range
-- widens to theirs (NULL, "every trade", wins).
UPDATE kairo_jobs k SET dirty_from = d.dirty_from
  FROM (SELECT kind, user_id, min(id) AS keep,
               CASE WHEN bool_or(dirty_from IS NULL) THEN NULL ELSE min(dirty_from) END AS dirty_from
          FROM kairo_jobs WHERE locked_until IS NULL GROUP BY kind, user_id HAVING count(*) > 1) d
 WHERE k.id = d.keep;
DELETE FROM kairo_jobs k
 WHERE k.locked_until IS NULL
   AND EXISTS (SELECT 1 FROM kairo_jobs o
                WHERE o.kind = k.kind AND o.user_id = k.user_id AND o.locked_until IS NULL AND o.id < k.id);
CREATE UNIQUE INDEX IF NOT EXISTS kairo_jobs_pending ON kairo_jobs (kind, user_id) WHERE locked_until IS NULL;
-- Whether a user has a job at all (queued or running): the staleness of the user's cached metrics.
CREATE INDEX IF NOT EXISTS kairo_jobs_user ON kairo_jobs (user_id);
