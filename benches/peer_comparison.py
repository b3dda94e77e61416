#!/usr/bin/env python3
"""Time kairo, empyrical-reloaded and numpy on the same arrays, in one run, and print a markdown table.

Run through benches/run.sh, which builds kairo's timing binary and a venv with the peers. Each figure is the median
of REPEATS runs; ratios compare figures measured in this same run.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import empyrical as ep
import numpy as np


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kairo-bin", required=True)
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    rng = np.random.default_rng(42)
    r = 0.00005 + 0.01 * rng.standard_normal(args.n)
    f = 0.00004 + 0.009 * rng.standard_normal(args.n)

    with tempfile.TemporaryDirectory() as tmp:
        rp, fp = os.path.join(tmp, "r.f64"), os.path.join(tmp, "f.f64")
        r.astype("<f8").tofile(rp)
        f.astype("<f8").tofile(fp)
        out = subprocess.run([args.kairo_bin, rp, fp, str(args.repeats)], check=True, capture_output=True, text=True)
        kairo = json.loads(out.stdout)

    rep = args.repeats
    floor = median_time(lambda: (np.mean(r), np.std(r, ddof=1)), rep)
    peers = {
        "sharpe_ratio": median_time(lambda: ep.sharpe_ratio(r), rep),
        "sortino_ratio": median_time(lambda: ep.sortino_ratio(r), rep),
        "max_drawdown": median_time(lambda: ep.max_drawdown(r), rep),
        "annual_volatility": median_time(lambda: ep.annual_volatility(r), rep),
        "alpha_beta": median_time(lambda: ep.alpha_beta(r, f), rep),
        "value_at_risk": median_time(lambda: ep.value_at_risk(r), rep),
    }
    others = {
        "conditional_value_at_risk": median_time(lambda: ep.conditional_value_at_risk(r), rep),
        "tail_ratio": median_time(lambda: ep.tail_ratio(r), rep),
        "stability_of_timeseries": median_time(lambda: ep.stability_of_timeseries(r), rep),
        "omega_ratio": median_time(lambda: ep.omega_ratio(r), rep),
        "annual_return": median_time(lambda: ep.annual_return(r), rep),
    }

    ms = lambda s: f"{s * 1e3:.1f}"
    lines = [
        f"n = {args.n:,} daily returns, median of {rep} runs, one process tree, measured {time.strftime('%Y-%m-%d')}",
        f"on {platform.machine()} / {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__},"
        f" empyrical-reloaded {ep.__version__}.",
        "",
        "| metric | kairo (ms) | empyrical (ms) | empyrical / kairo |",
        "|---|---:|---:|---:|",
    ]
    for name, peer in peers.items():
        lines.append(f"| {name} | {ms(kairo[name])} | {ms(peer)} | {peer / kairo[name]:.1f}× |")
    six_peer = sum(peers.values())
    six_kairo = sum(kairo[k] for k in peers)
    lines.append(f"| the six above | {ms(six_kairo)} | {ms(six_peer)} | {six_peer / six_kairo:.1f}× |")
    for name, peer in others.items():
        lines.append(f"| {name} | {ms(kairo[name])} | {ms(peer)} | {peer / kairo[name]:.1f}× |")
    lines += [
        "",
        "| whole metric set | kairo (ms) | numpy mean + std (ms) | kairo / numpy |",
        "|---|---:|---:|---:|",
        f"| Metrics::compute, 21 metrics | {ms(kairo['metrics_compute_all'])} | {ms(floor)} |"
        f" {kairo['metrics_compute_all'] / floor:.2f}× |",
        f"| Metrics::compute with a benchmark, 29 metrics | {ms(kairo['metrics_compute_all_with_benchmark'])} |"
        f" {ms(floor)} | {kairo['metrics_compute_all_with_benchmark'] / floor:.2f}× |",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
