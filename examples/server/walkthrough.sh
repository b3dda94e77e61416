#!/usr/bin/env bash
# A walk through the kairo service with curl: create a user, send trades, read the compliance audit, ask a
# pre-trade question, read metrics and the comparison with SPY, the tear sheet, the event stream (Server-Sent Events
# read with curl) and the signed webhooks a small local receiver gets, then the health and audit log.
#
#   KAIRO_URL=http://127.0.0.1:8000 KAIRO_TOKEN=<service token> examples/server/walkthrough.sh
#
# Without KAIRO_URL it starts its own server (the debug build, on a throwaway SQLite database, with the bundled
# synthetic closes loaded by `kairo-server import-prices`) and stops it at the end. Needs curl and jq.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${KAIRO_URL:-}" ]; then
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
    cargo build --quiet -p kairo-server
    server="$CARGO_TARGET_DIR/debug/kairo-server"
    dir="$(mktemp -d)"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    export DATABASE_URL="sqlite://$dir/kairo.db" KAIRO_SERVICE_TOKEN="walkthrough-token-$(date +%s%N)-0123456789" KAIRO_JWT_SECRET="walkthrough-jwt-$(date +%s%N)-0123456789ab"
    "$server" import-prices examples/data/prices.csv
    # A small webhook receiver (examples/server/webhook_receiver.py): verifies each delivery's signature and writes
    # one line per event to $dir/webhooks.log.
    hook_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    export KAIRO_WEBHOOK_URL="http://127.0.0.1:$hook_port/hooks/kairo" KAIRO_WEBHOOK_SECRET="whsec_walkthrough_$(date +%s%N)"
    WEBHOOK_SECRET="$KAIRO_WEBHOOK_SECRET" python3 examples/server/webhook_receiver.py "$hook_port" >"$dir/webhooks.log" 2>&1 &
    hook_pid=$!
    HOST=127.0.0.1 PORT="$port" RUST_LOG=warn "$server" serve >"$dir/server.log" 2>&1 &
    pid=$!
    trap 'kill $pid $hook_pid 2>/dev/null || true; wait $pid $hook_pid 2>/dev/null || true; rm -rf "$dir"' EXIT
    KAIRO_URL="http://127.0.0.1:$port" KAIRO_TOKEN="$KAIRO_SERVICE_TOKEN"
    for _ in $(seq 100); do curl -fs "$KAIRO_URL/health" >/dev/null && break; sleep 0.1; done
fi

api() { # METHOD PATH [JSON BODY]: prints the response; fails on an HTTP error
    curl -fsS -X "$1" "$KAIRO_URL$2" -H "Authorization: Bearer $KAIRO_TOKEN" \
        ${3:+-H "Content-Type: application/json" -d "$3"}
}
say() { printf '\n== %s\n' "$*"; }

say "the service is up"
api GET /health | jq '{status, database, jobs, market_data: .market_data.alpaca}'

say "a margin account"
user="$(api POST /users '{"username": "walkthrough-trader", "account_type": "margin"}' | jq -r .id)"
echo "user $user"

say "three AAPL round trips on two days (three day trades), a purchase of MSFT, and an AAPL purchase"
trade() { # SIDE SYMBOL QTY PRICE TIME EXTERNAL_ID
    printf '{"user_id": "%s", "side": "%s", "symbol": "%s", "qty": "%s", "price": "%s", "executed_at": "%s", "external_id": "%s"}' \
        "$user" "$1" "$2" "$3" "$4" "$5" "${user:0:8}-$6"
}
api POST /trades/batch "[
  $(trade BUY AAPL 10 185.20 2024-03-04T14:35:00Z wt-1), $(trade SELL AAPL 10 186.10 2024-03-04T15:10:00Z wt-2),
  $(trade BUY AAPL 10 184.90 2024-03-04T17:00:00Z wt-3), $(trade SELL AAPL 10 185.40 2024-03-04T19:30:00Z wt-4),
  $(trade BUY AAPL 10 183.00 2024-03-05T14:40:00Z wt-5), $(trade SELL AAPL 10 183.75 2024-03-05T15:20:00Z wt-6),
  $(trade BUY MSFT 5 410.00 2024-03-05T15:00:00Z wt-7), $(trade BUY AAPL 10 182.50 2024-03-06T14:45:00Z wt-8)
]" | jq -c '[.[] | {symbol, side, qty, executed_at}]'

say "sending a trade again with its external_id (the broker's order id) stores nothing new: 200, the stored trade"
api POST /trades "$(trade BUY MSFT 5 410.00 2024-03-05T15:00:00Z wt-7)" | jq -c '{id, external_id}'

say "the compliance audit (written by a background job; wait for it)"
for _ in $(seq 100); do
    total="$(api GET "/users/$user/compliance?limit=1" | jq .total)"
    [ "$total" -gt 0 ] && break
    sleep 0.1
done
api GET "/users/$user/compliance?limit=1" | jq -c '{rows: .total, pdt: .summary.pattern_day_trading | {day_trades_in_window, is_pattern_day_trader}}'

say "pre-trade: may the AAPL bought this morning be sold today? (a fourth day trade in five days; nothing is written)"
api POST "/users/$user/compliance/check" '{"symbol": "AAPL", "side": "SELL", "qty": "10", "price": "183.10", "executed_at": "2024-03-06T16:00:00Z"}' \
    | jq -c '{allowed, not_passed: [.results[] | select(.status != "pass") | {check_name, status, reason}]}'

say "metrics: P&L, win rate, risk (cached by the jobs; stale tells whether trades arrived since)"
api GET "/users/$user/metrics" | jq -c '{trades, realized: .pnl.realized, unrealized: .pnl.unrealized, win_rate: .trade_stats.win_rate, stale}'

say "the comparison with SPY (closes from the cache: imported here, Alpaca with keys)"
api GET "/users/$user/comparative?benchmark=SPY" | jq -c '{excess_return, shadow_pnl: .shadow.pnl, market_data: {stale: .market_data.stale, sources: [.market_data.symbols[] | {symbol, source}]}}'

say "a custom benchmark: 60 % SPY, 40 % AGG, rebalanced monthly, 10,000 from 2024-03-01; then compared with"
api POST "/users/$user/benchmarks" '{"name": "balanced", "rebalance": "monthly", "start_date": "2024-03-01", "start_value": "10000",
  "components": [{"symbol": "SPY", "weight": "0.6"}, {"symbol": "AGG", "weight": "0.4"}]}' | jq -c '{benchmark, rebalance, start_value}'
api GET "/users/$user/comparative?benchmark=custom:balanced" | jq -c '{benchmark, benchmark_total_return, excess_return}'

say "the tear sheet: one HTML page, charts inline (open it in a browser; /app shows it with the figures)"
report="$(mktemp)"
curl -fsS "$KAIRO_URL/users/$user/report?benchmark=SPY" -H "Authorization: Bearer $KAIRO_TOKEN" -o "$report" \
    -w '%{http_code} %{content_type} %{size_download} bytes\n'
echo "charts: $(grep -o '<svg id=' "$report" | wc -l)"
rm -f "$report"

say "MSFT sold at a loss and bought back the next day: a wash sale, reported as an event at once"
api POST /trades "$(trade SELL MSFT 5 400.00 2024-03-07T15:00:00Z wt-9)" | jq -c '{symbol, side, price}'
api POST /trades "$(trade BUY MSFT 5 402.00 2024-03-08T15:00:00Z wt-10)" | jq -c '{symbol, side, price}'

say "the user's events as Server-Sent Events (curl -N for 2 s; ?after=0 replays the log, Last-Event-ID resumes it)"
{ curl -sN --max-time 2 "$KAIRO_URL/users/$user/events?after=0" -H "Authorization: Bearer $KAIRO_TOKEN" || true; } \
    | grep '^event:' | sort | uniq -c

if [ -n "${hook_pid:-}" ]; then
    say "the same events, POSTed to the local webhook receiver and verified there (Kairo-Signature, HMAC-SHA256)"
    for _ in $(seq 100); do grep -q 'wash_sale' "$dir/webhooks.log" && break; sleep 0.1; done
    cut -d' ' -f1-2 "$dir/webhooks.log" | sort | uniq -c
    api GET /health | jq -c .webhooks
fi

say "the leaderboards: opted in under a display name (only the name is shown), then the user's standing and a board"
api PUT "/users/$user/leaderboards" '{"display_name": "walkthrough"}' | jq -c '{eligible, reason, boards: (.standings | length)}'
api GET "/leaderboards?metric=sharpe&period=ALL&limit=3" | jq -c '{metric, period, entries}'

say "who did what: the audit log"
api GET "/audit-log?limit=5" | jq -c '.entries[] | {actor, action, status}'
