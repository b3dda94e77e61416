"""100,000 members ranked on every board, for benches/run-leaderboard.sh on SQLite: users, their memberships and
25 scores each (rounded to 0.001, so that ties are common), as the jobs would leave them.

    python3 benches/leaderboard_populate.py kairo.db 100000
"""

import random
import sqlite3
import sys
import uuid

PERIODS = ["1M", "3M", "YTD", "1Y", "ALL"]
METRICS = ["return", "sharpe", "sortino", "max_drawdown", "calmar"]


def main(path: str, users: int) -> None:
    rng = random.Random(42)
    db = sqlite3.connect(path)
    ids = [(str(uuid.UUID(int=rng.getrandbits(128), version=4)), f"lb{i}") for i in range(users)]
    with db:
        db.executemany("INSERT INTO users (id, email, username) VALUES (?, ?, ?)", [(u, f"{n}@example.com", n) for u, n in ids])
        db.executemany(
            "INSERT INTO kairo_leaderboard_members (user_id, display_name, eligible, joined_at, computed_at) "
            "VALUES (?, ?, 1, '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')",
            ids,
        )
        db.executemany(
            "INSERT INTO kairo_leaderboard_scores (period, metric, user_id, display_name, value) VALUES (?, ?, ?, ?, ?)",
            ((p, m, u, n, round(rng.uniform(-1, 3), 3)) for u, n in ids for p in PERIODS for m in METRICS),
        )
    db.execute("ANALYZE")
    db.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
