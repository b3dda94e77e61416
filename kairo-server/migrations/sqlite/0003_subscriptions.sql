-- The subscription columns of the seed's users table, and the creation time of the last Stripe event applied to a
-- subscription (an older event arriving late never rolls the state back).
ALTER TABLE users ADD COLUMN "subscriptionPlan" TEXT NOT NULL DEFAULT 'free';
ALTER TABLE users ADD COLUMN "subscriptionStatus" TEXT NOT NULL DEFAULT 'inactive';
ALTER TABLE user_subscriptions ADD COLUMN last_event_created INTEGER;
CREATE INDEX IF NOT EXISTS user_subscriptions_customer ON user_subscriptions (stripe_customer_id);
