#!/usr/bin/env bash
# The tear sheet and the dashboard in a real browser: starts kairo-server on a throwaway SQLite database with the
# example closes and trades, fetches the user's tear sheet (GET /users/{id}/report), and drives headless Chromium
# (Debian's package, installed when missing; puppeteer-core from npm) over it and over /app
# (scripts/browser/check.mjs): no console errors, no failed or external requests, every chart drawn, the numbers
# shown equal to the JSON endpoints'. Screenshots go to a temporary folder, printed at the end; with
# --update-screenshots they are also copied to docs/screenshots/ (the ones the README shows).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
    else
        sudo apt-get update -q >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
    fi
fi
export CHROMIUM="$(command -v chromium)"
(cd scripts/browser && npm install --no-audit --no-fund --silent >/dev/null)

cargo build --quiet -p kairo-server
server="$CARGO_TARGET_DIR/debug/kairo-server"
dir="$(mktemp -d)"
shots="${SCREENSHOTS:-$dir/screenshots}"
mkdir -p "$shots"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DATABASE_URL="sqlite://$dir/kairo.db" KAIRO_SERVICE_TOKEN="browser-token-$(date +%s%N)-0123456789" \
    KAIRO_JWT_SECRET="browser-jwt-$(date +%s%N)-0123456789abcdef"
"$server" import-prices examples/data/prices.csv >/dev/null
HOST=127.0.0.1 PORT="$port" RUST_LOG=warn "$server" serve >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; [ -z "${SCREENSHOTS:-}" ] && [ "${keep:-}" != 1 ] && rm -rf "$dir"' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$url/health" >/dev/null && break; sleep 0.1; done
api() { curl -fsS -X "$1" "$url$2" -H "Authorization: Bearer $KAIRO_SERVICE_TOKEN" ${3:+-H "Content-Type: application/json" -d "$3"}; }

user="$(api POST /users '{"username": "browser-test", "email": "trader@example.com", "account_type": "margin"}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
batch="$(python3 - "$user" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open("examples/data/trades.csv")))
print(json.dumps([{"user_id": sys.argv[1], "symbol": r["symbol"], "side": r["side"], "qty": r["qty"],
                   "price": r["price"], "executed_at": r["executed_at"], "fees": r["fees"], "external_id": r["id"]}
                  for r in rows]))
PY
)"
api POST /trades/batch "$batch" >/dev/null
for _ in $(seq 200); do
    total="$(api GET "/users/$user/compliance?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')"
    [ "$total" -gt 0 ] && break
    sleep 0.1
done
api GET "/users/$user/report?benchmark=SPY" > "$dir/report.html"
node scripts/browser/check.mjs "$dir/report.html" "$url" "$KAIRO_SERVICE_TOKEN" "$user" "$shots"
if [ "${1:-}" = "--update-screenshots" ]; then
    mkdir -p docs/screenshots
    cp "$shots/tear-sheet.png" "$shots/dashboard.png" docs/screenshots/
    echo "copied to docs/screenshots/"
fi
keep=1
