-- 100,000 (:users) members ranked on every board, for benches/run-leaderboard.sh on PostgreSQL: users, their
-- memberships and 25 scores each (rounded to 0.001, so that ties are common), as the jobs would leave them.
SELECT setseed(0.42);
INSERT INTO users (id, email, username)
SELECT gen_random_uuid(), 'lb' || g || '@example.com', 'lb' || g FROM generate_series(1, :users) AS g;
INSERT INTO kairo_leaderboard_members (user_id, display_name, eligible, computed_at)
SELECT id, username, true, now() FROM users WHERE username LIKE 'lb%';
INSERT INTO kairo_leaderboard_scores (period, metric, user_id, display_name, value)
SELECT p, m, u.id, u.username, round((random() * 4 - 1)::numeric, 3)::float8
  FROM users u
 CROSS JOIN (VALUES ('1M'), ('3M'), ('YTD'), ('1Y'), ('ALL')) AS ps (p)
 CROSS JOIN (VALUES ('return'), ('sharpe'), ('sortino'), ('max_drawdown'), ('calmar')) AS ms (m)
 WHERE u.username LIKE 'lb%';
VACUUM ANALYZE kairo_leaderboard_scores;
