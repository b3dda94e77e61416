#!/usr/bin/env bash
# Regenerates benches/tear-sheet.md: the time kairo-core takes to render a tear sheet of 10 years of daily returns
# against a benchmark with a compliance timeline (criterion, benches/benches/tear_sheet.rs), and the page's size,
# against the budget (< 50 ms, < 400 KB).
#
#   ./benches/run-tear-sheet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
out=$(cargo bench --quiet -p kairo-benches --bench tear_sheet 2>/dev/null)
bytes=$(echo "$out" | sed -n 's/^tear sheet bytes: //p' | head -1)
est="$CARGO_TARGET_DIR/criterion/tear_sheet/render_10y_daily_with_benchmark/new/estimates.json"
python3 - "$est" "$bytes" > benches/tear-sheet.md <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["median"]
ms, lo, hi = (e["point_estimate"] / 1e6, e["confidence_interval"]["lower_bound"] / 1e6,
              e["confidence_interval"]["upper_bound"] / 1e6)
kb = int(sys.argv[2]) / 1024
print("## tear sheet: render time and size\n")
print("Command: `./benches/run-tear-sheet.sh` (criterion, benches/benches/tear_sheet.rs): kairo-core's `TearSheet::render`")
print("for 2,520 daily returns against a benchmark with 200 compliance events (what `GET /users/{id}/report` renders).\n")
print("| page | median ms (95% CI) | size | budget | met |")
print("|---|---:|---:|---|---|")
met = "yes" if ms < 50 and kb < 400 else "no"
print(f"| 10 years daily, benchmark, compliance timeline | {ms:.2f} ({lo:.2f} to {hi:.2f}) | {kb:.0f} KB | < 50 ms, < 400 KB | {met} |")
PY
echo "wrote benches/tear-sheet.md"
