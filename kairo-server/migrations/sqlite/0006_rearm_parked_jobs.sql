-- A trade of a user whose recompute is pending also brings the job's due time forward to one debounce interval
-- after the trade (never later than it was): a job parked after failing again and again (due in the far future,
-- `MAX_ATTEMPTS` in src/jobs.rs) is tried once more when the user's data changes. For an ordinary pending job,
-- queued by an earlier trade, the due time is already earlier and stays.
DROP TRIGGER IF EXISTS trades_enqueue_recompute;

CREATE TRIGGER trades_enqueue_recompute AFTER INSERT ON trades
BEGIN
    UPDATE kairo_jobs
       SET dirty_from = min(dirty_from, NEW.executed_at),
           run_at = min(run_at, strftime('%Y-%m-%dT%H:%M:%f', 'now', '+3 seconds') || '000000Z')
     WHERE user_id = NEW.user_id AND locked_until IS NULL
       AND (dirty_from > NEW.executed_at
            OR run_at > strftime('%Y-%m-%dT%H:%M:%f', 'now', '+3 seconds') || '000000Z');
    INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from)
    SELECT 'recompute', NEW.user_id, strftime('%Y-%m-%dT%H:%M:%f', 'now', '+3 seconds') || '000000Z', NEW.executed_at
     WHERE NOT EXISTS (SELECT 1 FROM kairo_jobs WHERE user_id = NEW.user_id AND locked_until IS NULL);
END;
