-- The subscription columns of the seed's users table (present already when the service runs on the seed's own
-- database), and the creation time of the last Stripe event applied to a subscription (an older event arriving
-- late never rolls the state back).
ALTER TABLE users ADD COLUMN IF NOT EXISTS "subscriptionPlan" TEXT NOT NULL DEFAULT 'free';
ALTER TABLE users ADD COLUMN IF NOT EXISTS "subscriptionStatus" TEXT NOT NULL DEFAULT 'inactive';
ALTER TABLE user_subscriptions ADD COLUMN IF NOT EXISTS last_event_created BIGINT;
CREATE INDEX IF NOT EXISTS user_subscriptions_customer ON user_subscriptions (stripe_customer_id);
