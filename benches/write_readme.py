#!/usr/bin/env python3
"""Writes benches/README.md from the side-by-side table (stdin) and criterion's estimates. Called by run.sh."""
import json
import os
import platform
import subprocess
import sys
from pathlib import Path


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{model}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, {rustc}"


def criterion_rows(root):
    rows = []
    for est in sorted(Path(root).glob("*/*/*/new/estimates.json")) + sorted(Path(root).glob("*/*/new/estimates.json")):
        parts = est.relative_to(root).parts[:-2]
        data = json.loads(est.read_text())
        median = data["median"]["point_estimate"] / 1e6
        lo = data["median"]["confidence_interval"]["lower_bound"] / 1e6
        hi = data["median"]["confidence_interval"]["upper_bound"] / 1e6
        rows.append((" / ".join(parts), median, lo, hi))
    return rows


def verdict(peer):
    """The two targets, met or missed, read off the side-by-side table."""
    singles, whole = [], {}
    for line in peer.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[3].endswith("×"):
            continue
        name, ratio = cells[0], float(cells[3].rstrip("×"))
        if name.startswith("Metrics::compute"):
            whole[name] = ratio
        elif name != "the six above":
            singles.append((ratio, name))
    out = []
    if singles:
        worst = min(singles)
        met = "met" if worst[0] > 1.0 else "missed"
        out.append(f"- Every single metric faster than empyrical: **{met}** in this run; the closest is "
                   f"{worst[1]} at {worst[0]:.1f}× (empyrical / kairo).")
    for name, ratio in whole.items():
        if ratio <= 2.0:
            out.append(f"- {name}: {ratio:.2f}× numpy's mean + std: **met** (target 2×).")
        else:
            out.append(f"- {name}: {ratio:.2f}× numpy's mean + std: **missed** by {100 * (ratio / 2 - 1):.0f} % "
                       "(target 2×).")
    return "\n".join(out)


WHY = """Why the whole set costs more than numpy's mean + std: besides the moment sums (which stream the data once, in
chunks that stay in cache), the set needs a logarithm of every return (the stability fit), an exact selection of
order statistics (VaR, CVaR, tail ratio: a sampled bracket, one pass, then a small selection), and a sequential
running product (drawdown, CAGR). kairo runs these on the machine's two cores, but they share one memory bus,
and on this virtual machine numpy's two vectorized passes are close to that bus's limit. With a benchmark the
pair statistics (beta, correlation, tracking error, capture) read a second array of the same size."""


def compliance_section(tables, criterion):
    """The compliance engine: per-rule batch timings of both workloads and the targets read off criterion."""
    retail = (Path(tables) / "retail.md").read_text().strip()
    day_trader = (Path(tables) / "day_trader.md").read_text().strip()
    rows = {name.split(" / ")[-1]: median for name, median, _, _ in criterion}
    out = [
        "## compliance engine",
        "",
        "1,000 accounts × 1,000 trades (`kairo_benches::account_trades`: 20 symbols, prices wandering ±2 % a trade,",
        "long-only, selling what is held about as often as buying; even accounts margin, odd ones cash with $250,000",
        "of settled cash; $50,000 order limit; 25 % concentration limit). The retail workload trades four times a day",
        "(a year), the day-trader workload ten times a day. `check_history_into` per account, single-threaded, every",
        "result materialized (a `CheckResult` per trade and applicable check). Built with the `measure` profile (fat LTO,",
        "one codegen unit) and mimalloc as the global allocator, as `kairo-server` is built and runs.",
        "",
    ]
    targets = []
    for workload in ("retail", "day_trader"):
        key = f"check_history_1m_trades_1000_accounts_all_rules_{workload}"
        if key in rows:
            seconds = rows[key] / 1e3
            state = "**met**" if seconds < 1.0 else f"**missed** by {100 * (seconds - 1):.0f} %"
            targets.append(f"- Batch, {workload.replace('_', ' ')} workload: {seconds:.2f} s for 1M trades, target < 1 s: {state}.")
    for kind in ("margin", "cash"):
        key = f"engine_check_order_10k_history_{kind}"
        if key in rows:
            micros = rows[key] * 1e3
            state = "**met**" if micros < 20 else "**missed**"
            targets.append(f"- Pre-trade on a live engine ({kind} account, 10,000 trades of history): {micros:.1f} µs, "
                           f"target < 20 µs: {state}.")
        key = f"stateless_check_order_10k_history_{kind}"
        if key in rows:
            targets.append(f"- Stateless `check_order` replaying the 10,000 trades ({kind}): {rows[key]:.1f} ms "
                           "(the path for a one-off check; a service keeps an `Engine` per account).")
    out += targets
    out += [
        "",
        "On this shared machine the batch figures move by ±10 % (at times more) from one run to the next, minutes",
        "apart; a change to the engine is judged by comparing two builds in one run, alternating "
        "(`benches/ab-compliance.sh`;",
        "the last comparison, with instructions per trade, is in [compliance-ab.md](compliance-ab.md)).",
        "",
        "Per rule (each rule alone, then all together; median of 5 runs; `cargo run --profile measure -p kairo-benches",
        "--bin compliance_timing -- --per-day 4`), and what the workload produces:",
        "",
        "### retail (4 trades a day)",
        "",
        retail,
        "",
        "### day trader (10 trades a day)",
        "",
        day_trader,
        "",
    ]
    return out


def main():
    root, repeats = sys.argv[1], sys.argv[2]
    tables = sys.argv[3] if len(sys.argv) > 3 else None
    peer = sys.stdin.read().strip()
    out = [
        "# kairo benchmarks",
        "",
        "Generated by `./benches/run.sh` (do not edit by hand). Machine: " + machine() + ".",
        "This machine is a shared virtual machine: absolute times move by ±30 % from run to run, so every figure is a",
        "median of several runs and every comparison is a ratio measured in the same run.",
        "",
        "## kairo vs empyrical-reloaded vs numpy, same arrays, one run",
        "",
        "`benches/peer_comparison.py` draws 10⁷ daily returns (and a benchmark series) with numpy, writes them to a",
        "file, times empyrical's functions and numpy's bare `mean` + `std(ddof=1)` (the memory-bandwidth floor of any",
        "metric) on them, and runs `benches/src/bin/metrics_timing.rs` on the same bytes. kairo runs Metrics::compute",
        "on two threads (the machine's two cores); every single-metric function is single-threaded.",
        f"Command: `REPEATS={repeats} ./benches/run.sh`.",
        "",
        peer,
        "",
        "Targets: every single metric faster than empyrical's function on the same array; the full metric set within",
        "2× of numpy's mean + std.",
        "",
        verdict(peer),
        "",
        WHY,
        "",
    ]
    criterion = criterion_rows(root)
    if tables:
        out += compliance_section(tables, criterion)
    out += [
        "## criterion (kairo-core)",
        "",
        "Command: `cargo bench -p kairo-benches` (benches/benches/metrics.rs, lots.rs, compliance.rs).",
        "",
        "| benchmark | median (ms) | 95 % interval (ms) |",
        "|---|---:|---:|",
    ]
    for name, median, lo, hi in criterion:
        digits = 2 if median >= 1 else 4
        out.append(f"| {name} | {median:.{digits}f} | {lo:.{digits}f} – {hi:.{digits}f} |")
    out += binding_sections()
    print("\n".join(out))


def binding_sections():
    """The sections the binding benchmarks write beside this README (benches/node.md by kairo-node's
    `npm run bench`, benches/python.md by benches/run-python.sh), kept when the README is regenerated."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = []
    for name in ["recompute.md", "versus-seed.md", "server.md", "events.md", "leaderboard.md", "node.md", "python.md", "python-frames.md", "tear-sheet.md", "optimize.md"]:
        path = os.path.join(here, name)
        if os.path.exists(path):
            with open(path) as f:
                out += ["", f.read().rstrip()]
    return out


def refresh_sections(readme):
    """Rewrites the sections kept beside the README (`binding_sections`) in `readme`, leaving the tables the core
    run wrote as they are: what a script that regenerates one of those files runs after it."""
    with open(readme) as f:
        text = f.read()
    core = text.split("\n## criterion (kairo-core)", 1)
    if len(core) != 2:
        sys.exit(f"{readme}: no criterion section to keep")
    criterion, _, _ = core[1].partition("\n\n## ")
    kept = core[0] + "\n## criterion (kairo-core)" + criterion
    with open(readme, "w") as f:
        f.write("\n".join([kept.rstrip()] + binding_sections()) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--refresh-sections":
        refresh_sections(sys.argv[2])
    else:
        main()
