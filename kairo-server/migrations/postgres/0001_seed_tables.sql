-- The seed's five tables exactly as the seed document gives them (../shared/seed/schema.sql in the KAIRO
-- architecture). On a database the Node backend created they exist already and are left as they are; on an empty
-- database they are created here, so that the backend's Prisma client finds its own schema.

CREATE TABLE IF NOT EXISTS users (
  id UUID PRIMARY KEY,
  email TEXT UNIQUE NOT NULL,
  username TEXT UNIQUE NOT NULL,
  "subscriptionPlan" TEXT,
  "subscriptionStatus" TEXT,
  "stripeCustomerId" TEXT,
  created_at TIMESTAMPTZ DEFAULT now()
);

CREATE TABLE IF NOT EXISTS trades (
  id UUID PRIMARY KEY,
  user_id UUID REFERENCES users(id),
  symbol TEXT NOT NULL,
  side TEXT CHECK (side IN ('BUY','SELL')),
  qty NUMERIC NOT NULL,
  price NUMERIC NOT NULL,
  executed_at TIMESTAMPTZ NOT NULL,
  external_id TEXT,
  raw JSONB,
  created_at TIMESTAMPTZ DEFAULT now()
);

CREATE TABLE IF NOT EXISTS compliance_audit (
  id UUID PRIMARY KEY,
  user_id UUID REFERENCES users(id),
  trade_id UUID REFERENCES trades(id),
  check_name TEXT NOT NULL,
  status TEXT CHECK (status IN ('pass','fail','flag')),
  reason TEXT,
  metadata JSONB,
  created_at TIMESTAMPTZ DEFAULT now()
);

CREATE TABLE IF NOT EXISTS benchmarks (
  id UUID PRIMARY KEY,
  symbol TEXT NOT NULL,
  date DATE NOT NULL,
  open NUMERIC,
  high NUMERIC,
  low NUMERIC,
  close NUMERIC,
  volume NUMERIC,
  created_at TIMESTAMPTZ DEFAULT now(),
  UNIQUE(symbol, date)
);

CREATE TABLE IF NOT EXISTS user_subscriptions (
  id UUID PRIMARY KEY,
  user_id UUID REFERENCES users(id),
  stripe_subscription_id TEXT,
  tier TEXT,
  status TEXT,
  current_period_end TIMESTAMPTZ,
  created_at TIMESTAMPTZ DEFAULT now()
);
