#!/usr/bin/env bash
# Compares the compliance batch of two commits in one run: builds `compliance_timing` (measure profile) at each
# commit, then runs them alternately (A, B, A, B, ...), each run the median of 3 passes over 1,000 accounts ×
# 1,000 trades with all rules, and prints every run, the medians and the ratio B / A per workload. On a shared
# machine the absolute figures move by ±10 % from one minute to the next; alternating runs see the same machine,
# so the ratio is what a change is judged by. With valgrind installed, it also counts the instructions per trade
# of each build (callgrind, two passes over 40 accounts, inside `check_history_into` only), which do not depend
# on the machine.
#
#   ./benches/ab-compliance.sh <commit-a> [<commit-b>, default the work tree] [runs, default 7]
#
# Writes the table to standard output (benches/compliance-ab.md holds the last recorded one).
set -euo pipefail
cd "$(dirname "$0")/.."
a="${1:?usage: ab-compliance.sh <commit-a> [<commit-b>] [runs]}"
b="${2:-}"
runs="${3:-7}"
# Each side builds in a target directory of its own: in a shared one, an unchanged build does not replace the
# binary the other side left there.
cache="${KAIRO_AB_CACHE:-$HOME/.cache/kairo}"
work=$(mktemp -d)
trap 'git worktree remove --force "$work/a" >/dev/null 2>&1 || true; git worktree remove --force "$work/b" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

build() { # build <commit or empty for the work tree> <name>
    local dir=.
    if [ -n "$1" ]; then
        git worktree add --quiet --detach "$work/$2" "$1"
        dir="$work/$2"
    fi
    (cd "$dir" && CARGO_TARGET_DIR="$cache/ab-$2" cargo build --quiet --profile measure -p kairo-benches \
        --bin compliance_timing)
    cp "$cache/ab-$2/measure/compliance_timing" "$work/$2.bin"
}
build "$a" a
build "$b" b
label_a=$(git rev-parse --short "$a")
label_b=$([ -n "$b" ] && git rev-parse --short "$b" || echo "work tree")

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "| workload | A: $label_a (s) | B: $label_b (s) | B / A |"
echo "|---|---|---|---:|"
for per_day in 4 10; do
    : > "$work/ta"
    : > "$work/tb"
    for _ in $(seq "$runs"); do
        "$work/a.bin" --per-day "$per_day" --repeats 3 --only all | cut -d'|' -f4 | tr -d ' ' >> "$work/ta"
        "$work/b.bin" --per-day "$per_day" --repeats 3 --only all | cut -d'|' -f4 | tr -d ' ' >> "$work/tb"
    done
    ma=$(median < "$work/ta")
    mb=$(median < "$work/tb")
    name=$([ "$per_day" = 4 ] && echo "retail (4 a day)" || echo "day trader (10 a day)")
    printf '| %s | %s (runs %s) | %s (runs %s) | %.3f |\n' "$name" "$ma" "$(paste -sd' ' "$work/ta")" \
        "$mb" "$(paste -sd' ' "$work/tb")" "$(echo "$mb / $ma" | bc -l)"
done

if command -v valgrind >/dev/null; then
    echo
    echo "| workload | A: instructions / trade | B: instructions / trade | B / A |"
    echo "|---|---:|---:|---:|"
    for per_day in 4 10; do
        count() {
            valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*check_history_into*' \
                "$1" --per-day "$per_day" --repeats 2 --only all --accounts 40 2>&1 |
                awk '/Collected/ {print int($4 / 80000)}'
        }
        ia=$(count "$work/a.bin")
        ib=$(count "$work/b.bin")
        name=$([ "$per_day" = 4 ] && echo "retail (4 a day)" || echo "day trader (10 a day)")
        printf '| %s | %s | %s | %.3f |\n' "$name" "$ia" "$ib" "$(echo "$ib / $ia" | bc -l)"
    done
fi
