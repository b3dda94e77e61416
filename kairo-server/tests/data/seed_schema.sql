-- The KAIRO platform's shared PostgreSQL schema, exactly as its architecture document gives it: the tables the
-- Node backend (Prisma) creates and owns. The seed-database tests build databases from it.

-- Users (managed by Node.js)
CREATE TABLE users (
  id UUID PRIMARY KEY,
  email TEXT UNIQUE NOT NULL,
  username TEXT UNIQUE NOT NULL,
  "subscriptionPlan" TEXT,
  "subscriptionStatus" TEXT,
  "stripeCustomerId" TEXT,
  created_at TIMESTAMPTZ DEFAULT now()
);

-- Trades (written by both services)
CREATE TABLE trades (
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

-- Compliance Audit (managed by Python)
CREATE TABLE compliance_audit (
  id UUID PRIMARY KEY,
  user_id UUID REFERENCES users(id),
  trade_id UUID REFERENCES trades(id),
  check_name TEXT NOT NULL,
  status TEXT CHECK (status IN ('pass','fail','flag')),
  reason TEXT,
  metadata JSONB,
  created_at TIMESTAMPTZ DEFAULT now()
);

-- Benchmarks (cached by Python)
CREATE TABLE benchmarks (
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

-- User Subscriptions (managed by both)
CREATE TABLE user_subscriptions (
  id UUID PRIMARY KEY,
  user_id UUID REFERENCES users(id),
  stripe_subscription_id TEXT,
  tier TEXT,
  status TEXT,
  current_period_end TIMESTAMPTZ,
  created_at TIMESTAMPTZ DEFAULT now()
);
