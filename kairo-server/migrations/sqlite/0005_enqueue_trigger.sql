-- A stored trade enqueues its user's recompute in the statement that inserts it, so that storing one trade is a
-- single statement (its own transaction) rather than a transaction of three. The pending (unclaimed) job of the
-- user, if any, widens its range down to the new trade; otherwise a job is queued, due one debounce interval
-- (`JOB_DEBOUNCE` in src/store/mod.rs: 3 s) after the trade is stored. Timestamps have the service's format
-- (RFC 3339, nine fraction digits, `Z`), so that they compare as text with every other one.
-- The index finds a user's jobs: the trigger's, and whether a user has any (the staleness of cached metrics).
CREATE INDEX IF NOT EXISTS kairo_jobs_user ON kairo_jobs (user_id);

CREATE TRIGGER IF NOT EXISTS trades_enqueue_recompute AFTER INSERT ON trades
BEGIN
    UPDATE kairo_jobs SET dirty_from = NEW.executed_at
     WHERE user_id = NEW.user_id AND locked_until IS NULL AND dirty_from > NEW.executed_at;
    INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from)
    SELECT 'recompute', NEW.user_id, strftime('%Y-%m-%dT%H:%M:%f', 'now', '+3 seconds') || '000000Z', NEW.executed_at
     WHERE NOT EXISTS (SELECT 1 FROM kairo_jobs WHERE user_id = NEW.user_id AND locked_until IS NULL);
END;
