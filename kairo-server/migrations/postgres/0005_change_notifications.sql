-- Every change to a user's trades or activities, by kairo or by any other writer of the database (the Node backend,
-- a script), is announced on the channel `kairo_changes` with the user's id as the payload; every load of closes
-- (a row of `kairo_price_sources` written) with the payload `*prices`. kairo-server listens on the channel and keeps
-- a version per user in memory, so that a read served from its caches checks that nothing changed without a query.
-- Statement-level triggers with transition tables: one notification per user per statement, whatever its size
-- (PostgreSQL also folds identical notifications of one transaction into one).
CREATE OR REPLACE FUNCTION kairo_notify_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('kairo_changes', u::text) FROM (SELECT DISTINCT user_id AS u FROM changed_new) AS d
         WHERE u IS NOT NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('kairo_changes', u::text) FROM (SELECT DISTINCT user_id AS u FROM changed_old) AS d
         WHERE u IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kairo_notify_prices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kairo_changes', '*prices');
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS kairo_trades_inserted ON trades;
CREATE TRIGGER kairo_trades_inserted AFTER INSERT ON trades REFERENCING NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION kairo_notify_users();
DROP TRIGGER IF EXISTS kairo_trades_updated ON trades;
CREATE TRIGGER kairo_trades_updated AFTER UPDATE ON trades REFERENCING NEW TABLE AS changed_new OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION kairo_notify_users();
DROP TRIGGER IF EXISTS kairo_trades_deleted ON trades;
CREATE TRIGGER kairo_trades_deleted AFTER DELETE ON trades REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION kairo_notify_users();

DROP TRIGGER IF EXISTS kairo_activities_inserted ON kairo_activities;
CREATE TRIGGER kairo_activities_inserted AFTER INSERT ON kairo_activities REFERENCING NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION kairo_notify_users();
DROP TRIGGER IF EXISTS kairo_activities_updated ON kairo_activities;
CREATE TRIGGER kairo_activities_updated AFTER UPDATE ON kairo_activities
    REFERENCING NEW TABLE AS changed_new OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION kairo_notify_users();
DROP TRIGGER IF EXISTS kairo_activities_deleted ON kairo_activities;
CREATE TRIGGER kairo_activities_deleted AFTER DELETE ON kairo_activities REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION kairo_notify_users();

DROP TRIGGER IF EXISTS kairo_prices_loaded ON kairo_price_sources;
CREATE TRIGGER kairo_prices_loaded AFTER INSERT OR UPDATE ON kairo_price_sources
    FOR EACH STATEMENT EXECUTE FUNCTION kairo_notify_prices();
