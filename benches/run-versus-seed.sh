#!/usr/bin/env bash
# kairo-server beside the seed's own service (../shared/peers/seed-fastapi: FastAPI + asyncpg under uvicorn) on one
# throwaway PostgreSQL 15 cluster with its default durability, one load generator, interleaved rounds
# (benches/src/bin/versus_seed.rs); writes benches/versus-seed.md and refreshes its section of benches/README.md.
# The seed stack's packages (fastapi, uvicorn, asyncpg) go into a venv under ~/.cache/kairo.
#
#   ./benches/run-versus-seed.sh                          # 5 rounds of 10 s per test, the seed with 1 worker
#   ROUNDS=7 SECONDS_PER_TEST=10 WORKERS=2 ./benches/run-versus-seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
rounds="${ROUNDS:-5}"
seconds="${SECONDS_PER_TEST:-10}"
workers="${WORKERS:-1}"
rates="${RATES:-200,500,1000}"
seed_app="${SEED_APP:-$(cd .. && pwd)/shared/peers/seed-fastapi}"
[ -f "$seed_app/app.py" ] || { echo "no seed service at $seed_app (set SEED_APP)" >&2; exit 2; }
venv="$HOME/.cache/kairo/seed-venv"
if ! "$venv/bin/python" -c 'import fastapi, uvicorn, asyncpg' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet fastapi "uvicorn[standard]" asyncpg
fi
cargo build --quiet --release -p kairo-server --bin kairo-server
cargo build --quiet --release -p kairo-benches --bin versus_seed
. scripts/lib/pg.sh
pg_start >/dev/null || { echo "PostgreSQL's binaries are needed" >&2; exit 2; }
url="$(pg_create_db kairo_versus_seed)"
pg_pid="$(head -1 "$pgdir/data/postmaster.pid")"
versions="kairo-server $(git rev-parse --short HEAD), Python $("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])'), \
$("$venv/bin/python" -c 'import fastapi, uvicorn, asyncpg; print(f"fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}, asyncpg {asyncpg.__version__}")'), \
PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}')"
table="$("$CARGO_TARGET_DIR/release/versus_seed" --kairo "$CARGO_TARGET_DIR/release/kairo-server" \
    --uvicorn "$venv/bin/uvicorn" --seed-app "$seed_app" --database-url "$url" --pg-pid "$pg_pid" \
    --workers "$workers" --rounds "$rounds" --seconds "$seconds" --rates "$rates")"
{
    echo "## kairo-server beside the seed's stack"
    echo
    echo "Command: \`ROUNDS=$rounds SECONDS_PER_TEST=$seconds WORKERS=$workers RATES=$rates ./benches/run-versus-seed.sh\`"
    echo "(benches/src/bin/versus_seed.rs). Both services run at once on one PostgreSQL database (the seed's \`trades\` and"
    echo "\`benchmarks\` tables, default durability: fsync on), the seed's service as re-created in"
    echo "\`shared/peers/seed-fastapi\` (FastAPI + asyncpg, $workers uvicorn worker(s)); one load generator on the same 2 cores; $rounds"
    echo "rounds, the services' order alternating. Comparative reads: 100 users with 200 trades each, closed loop, every"
    echo "user's comparison cached by both (kairo's summary is its default answer; \`series=daily\` adds every daily series)."
    echo "Ingestion: open loop at a fixed rate, latency from each request's scheduled start, 50 users per service; for kairo"
    echo "the test ends when its job queue is empty, so its CPU includes the compliance and metrics jobs of every trade"
    echo "(the seed's service runs a placeholder). CPU per request is the service's process tree plus PostgreSQL's, shown"
    echo "split: per trade kairo has PostgreSQL write the trade, its job row, an audit-log row and 13 compliance rows"
    echo "(three indexes, JSONB metadata), the seed's service the trade alone, which is where kairo's larger PostgreSQL"
    echo "share comes from. The long history's first read is served from the tracker the jobs keep (a server that has not"
    echo "run the user's job since it started reads the history from the database instead)."
    echo "Versions: $versions."
    echo
    echo "Medians over the rounds:"
    echo
    printf '%s\n' "$table"
} > benches/versus-seed.md
python3 benches/write_readme.py --refresh-sections benches/README.md
cat benches/versus-seed.md
