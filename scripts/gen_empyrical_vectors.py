#!/usr/bin/env python3
"""Generate kairo-core's empyrical test vectors.

Every expected value in kairo-core/tests/vectors/empyrical.json is computed here by empyrical-reloaded (and, for
the metrics empyrical lacks, by scipy from the published formulas), never by kairo. Run it in a throwaway venv:

    python3 -m venv /tmp/ep && /tmp/ep/bin/pip install empyrical-reloaded==0.7.1 scipy pandas numpy
    /tmp/ep/bin/python scripts/gen_empyrical_vectors.py > kairo-core/tests/vectors/empyrical.json

Non-finite floats are written as the strings "nan", "inf" and "-inf" (JSON has no NaN).
"""
import json
import math
import sys
import warnings

import empyrical as ep
import numpy as np
import pandas as pd
import scipy
from scipy import stats

warnings.simplefilter("ignore")


def enc(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def enc_list(xs):
    return [enc(x) for x in np.asarray(xs, dtype=float).ravel()]


def series_cases():
    rng = np.random.default_rng(20261125)
    cases = []

    def add(name, r, f=None):
        cases.append((name, np.asarray(r, dtype=float), None if f is None else np.asarray(f, dtype=float)))

    n = 1000
    f = rng.normal(0.0004, 0.011, n)
    add("normal_1000", 0.8 * f + rng.normal(0.0002, 0.006, n), f)
    f = stats.t.rvs(3, size=500, random_state=rng) * 0.008
    add("fat_tailed_500", 1.3 * f + stats.t.rvs(4, size=500, random_state=rng) * 0.004, f)
    r = rng.normal(0.001, 0.02, 300)
    f = 0.5 * r + rng.normal(0.0, 0.01, 300)
    r[rng.random(300) < 0.1] = np.nan
    f[rng.random(300) < 0.05] = np.nan
    add("with_nans_300", r, f)
    add("all_positive_50", rng.uniform(0.001, 0.02, 50), rng.uniform(-0.01, 0.02, 50))
    add("all_negative_50", -rng.uniform(0.001, 0.02, 50), rng.uniform(-0.02, 0.01, 50))
    add("all_zero_20", np.zeros(20), rng.normal(0, 0.01, 20))
    add("constant_20", np.full(20, 0.01), rng.normal(0, 0.01, 20))
    add("empty", [], [])
    add("one", [0.013], [0.01])
    add("two", [0.02, -0.01], [0.01, -0.005])
    add("three", [0.02, -0.01, 0.005], [0.01, -0.005, 0.002])
    add("all_nan_5", [np.nan] * 5, [0.01, -0.01, 0.02, 0.0, 0.01])
    add("large_moves_12", [0.5, -0.4, 1.0, -0.9, 0.3, 0.0, -0.2, 0.25, 2.0, -0.5, 0.1, -0.05],
        [0.1, -0.1, 0.2, -0.3, 0.05, 0.0, -0.05, 0.1, 0.3, -0.2, 0.02, -0.01])
    add("beta_exact_2x", 2.0 * np.array([0.01, -0.02, 0.015, 0.0, 0.004, -0.007]),
        [0.01, -0.02, 0.015, 0.0, 0.004, -0.007])
    add("monthly_36", rng.normal(0.008, 0.04, 36), rng.normal(0.007, 0.035, 36))
    r = rng.normal(0.0003, 0.012, 5000)
    f = 0.7 * r + rng.normal(0.0, 0.008, 5000)
    r[rng.random(5000) < 0.02] = np.nan
    add("long_with_nans_5000", r, f)
    return cases


def integer_series(n, mult, scale, drift):
    """A skewed series that Python and Rust both rebuild exactly from integers:
    v = ((i * mult) mod 2^32) / 2^32 - 0.5, x = (v + 2 v^2) * scale + drift."""
    v = np.array([((i * mult) % 2**32) / 2**32 - 0.5 for i in range(n)])
    x = (v + 2.0 * v * v) * scale + drift
    return x


def with_nans(x, nan_every):
    x = x.copy()
    if nan_every:
        x[::nan_every] = np.nan
    return x


def long_cases():
    """Series long enough for kairo's lane sums and bracketed selection; rebuilt by the tests, not stored."""
    out = []
    for n in [40_000, 120_000]:
        nan_every = 97 if n == 40_000 else 0
        # returns: [mult, scale, drift, nan_every]; factor: [mult, scale, drift, coupling to the returns' base]
        spec = {"n": n, "returns": [2654435761, 0.03, 0.0008, nan_every], "factor_returns": [2246822519, 0.02, 0.0004, 0.6]}
        base = integer_series(n, *spec["returns"][:3])
        r = with_nans(base, nan_every)
        f = integer_series(n, *spec["factor_returns"][:3]) + spec["factor_returns"][3] * base
        p = PARAMS[0]
        e = expected(r.copy(), f.copy(), p)
        e = {k: v for k, v in e.items() if not isinstance(v, list) or k == "alpha_beta"}
        out.append({"name": f"integer_series_{n}", "spec": spec, "params": p, "expected": e})
    return out


PARAMS = [
    {"risk_free": 0.0, "required_return": 0.0, "period": "daily", "annualization": None, "cutoff": 0.05},
    {"risk_free": 0.0001, "required_return": 0.0005, "period": "daily", "annualization": None, "cutoff": 0.1},
    {"risk_free": 0.0, "required_return": 0.0, "period": "monthly", "annualization": None, "cutoff": 0.05},
    {"risk_free": 0.0002, "required_return": 0.0, "period": "weekly", "annualization": 365.0, "cutoff": 0.01},
]

ANN = {"daily": 252, "weekly": 52, "monthly": 12, "quarterly": 4, "yearly": 1}


def psr(r, sr_star):
    r = r[~np.isnan(r)]
    if len(r) < 3:
        return float("nan")
    sd = np.std(r, ddof=1)
    if not sd > 0:
        return float("nan")
    sr = np.mean(r) / sd
    g3 = stats.skew(r)
    g4 = stats.kurtosis(r, fisher=False)
    return stats.norm.cdf((sr - sr_star) * math.sqrt(len(r) - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr ** 2))


def dsr(r, trials, variance):
    g = 0.5772156649015329
    sr0 = math.sqrt(variance) * ((1 - g) * stats.norm.ppf(1 - 1 / trials) + g * stats.norm.ppf(1 - 1 / (trials * math.e)))
    return psr(r, sr0)


def parametric_var(r, cutoff):
    k = r[~np.isnan(r)]
    if len(k) < 2:
        return float("nan")
    return np.mean(k) + np.std(k, ddof=1) * stats.norm.ppf(cutoff)


def cornish_fisher_var(r, cutoff):
    k = r[~np.isnan(r)]
    if len(k) < 2:
        return float("nan")
    z = stats.norm.ppf(cutoff)
    s = stats.skew(k)
    e = stats.kurtosis(k)
    zcf = z + (z ** 2 - 1) * s / 6 + (z ** 3 - 3 * z) * e / 24 - (2 * z ** 3 - 5 * z) * s ** 2 / 36
    return np.mean(k) + np.std(k, ddof=1) * zcf


def expected(r, f, p):
    period = p["period"]
    ann = p["annualization"]
    factor = ann if ann is not None else ANN[period]
    rf = p["risk_free"]
    req = p["required_return"]
    cutoff = p["cutoff"]
    out = {
        "cum_returns": enc_list(ep.cum_returns(r.copy())),
        "cum_returns_100": enc_list(ep.cum_returns(r.copy(), starting_value=100)),
        "cum_returns_final": enc(ep.cum_returns_final(r)),
        "annual_return": enc(ep.annual_return(r, period=period, annualization=ann)),
        "annual_volatility": enc(ep.annual_volatility(r, period=period, annualization=ann)),
        "sharpe_ratio": enc(ep.sharpe_ratio(r, risk_free=rf, period=period, annualization=ann)),
        "sortino_ratio": enc(ep.sortino_ratio(r, required_return=req, period=period, annualization=ann)),
        "downside_risk": enc(ep.downside_risk(r, required_return=req, period=period, annualization=ann)),
        "max_drawdown": enc(ep.max_drawdown(r)),
        "calmar_ratio": enc(ep.calmar_ratio(r, period=period, annualization=ann)),
        "omega_ratio": enc(ep.omega_ratio(r, risk_free=rf, required_return=0.05, annualization=factor)),
        "tail_ratio": enc(ep.tail_ratio(r)),
        "stability_of_timeseries": enc(ep.stability_of_timeseries(r)),
        "value_at_risk": enc(ep.value_at_risk(r, cutoff=cutoff)),
        "conditional_value_at_risk": enc(ep.conditional_value_at_risk(r, cutoff=cutoff)),
        "skew": enc(stats.skew(r)) if len(r) else "nan",
        "kurtosis": enc(stats.kurtosis(r)) if len(r) else "nan",
        "parametric_var": enc(parametric_var(r, cutoff)),
        "cornish_fisher_var": enc(cornish_fisher_var(r, cutoff)),
        "probabilistic_sharpe_ratio": enc(psr(r, 0.0)),
        "probabilistic_sharpe_ratio_0_05": enc(psr(r, 0.05)),
        "deflated_sharpe_ratio_100_0_001": enc(dsr(r, 100, 0.001)),
        "roll_sharpe_ratio_5": enc_list(ep.roll_sharpe_ratio(r, window=5, risk_free=rf, period=period, annualization=ann)) if len(r) >= 5 else [],
        "roll_annual_volatility_5": enc_list(ep.roll_annual_volatility(r, window=5, period=period, annualization=ann)) if len(r) >= 5 else [],
    }
    if f is not None:
        a, b = ep.alpha_beta(r, f, risk_free=rf, period=period, annualization=ann) if len(r) else (float("nan"), float("nan"))
        active = r - f
        both = ~(np.isnan(r) | np.isnan(f))
        out.update({
            "alpha": enc(ep.alpha(r, f, risk_free=rf, period=period, annualization=ann)) if len(r) else "nan",
            "beta": enc(ep.beta(r, f, risk_free=rf)) if len(r) else "nan",
            "alpha_beta": [enc(a), enc(b)],
            "up_capture": enc(ep.up_capture(r, f, period=period)) if ann is None else None,
            "down_capture": enc(ep.down_capture(r, f, period=period)) if ann is None else None,
            "up_down_capture": enc(ep.up_down_capture(r, f, period=period)) if ann is None else None,
            "excess_sharpe": enc(ep.excess_sharpe(r, f)),
            "tracking_error": enc(np.nanstd(active, ddof=1) * math.sqrt(factor)) if np.sum(~np.isnan(active)) > 1 and len(r) >= 2 else "nan",
            "correlation": enc(np.corrcoef(r[both], f[both])[0, 1]) if both.sum() >= 2 and np.ptp(r[both]) > 0 and np.ptp(f[both]) > 0 else "nan",
            "roll_beta_5": enc_list(ep.roll_beta(r, f, window=5)) if len(r) >= 5 else [],
        })
    return out


def aggregate_cases():
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2023-11-20", periods=320)
    r = pd.Series(rng.normal(0.0005, 0.012, len(idx)), index=idx)
    out = {"dates": [d.strftime("%Y-%m-%d") for d in idx], "returns": enc_list(r.values)}
    for period in ["weekly", "monthly", "quarterly", "yearly"]:
        agg = ep.aggregate_returns(r, period)
        out[period] = [[list(map(int, k)) if isinstance(k, tuple) else [int(k)], enc(v)] for k, v in agg.items()]
    return out


def main():
    cases = []
    for name, r, f in series_cases():
        for i, p in enumerate(PARAMS):
            cases.append({
                "name": f"{name}/params{i}",
                "returns": enc_list(r),
                "factor_returns": None if f is None else enc_list(f),
                "params": p,
                "expected": expected(r.copy(), None if f is None else f.copy(), p),
            })
    doc = {
        "generator": "scripts/gen_empyrical_vectors.py",
        "versions": {"empyrical-reloaded": ep.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                     "pandas": pd.__version__},
        "omega_required_return": 0.05,
        "cases": cases,
        "aggregate_returns": aggregate_cases(),
        "long_cases": long_cases(),
    }
    json.dump(doc, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
