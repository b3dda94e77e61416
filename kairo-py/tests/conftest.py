import json
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def compliance_cases():
    return json.loads((ROOT / "kairo-core" / "tests" / "vectors" / "compliance.json").read_text())["cases"]


def series_set():
    """Random and degenerate return series, as in the Rust empyrical vectors."""
    rng = np.random.default_rng(20241126)
    out = {
        "normal_252": rng.normal(0.0005, 0.01, 252),
        "fat_tails_1000": rng.standard_t(3, 1000) * 0.01,
        "with_nans": np.where(rng.random(300) < 0.1, np.nan, rng.normal(0.001, 0.02, 300)),
        "all_positive": np.abs(rng.normal(0.002, 0.001, 50)) + 1e-4,
        "all_negative": -np.abs(rng.normal(0.002, 0.001, 50)) - 1e-4,
        "constant": np.full(40, 0.001),
        "zeros": np.zeros(30),
        "one": np.array([0.01]),
        "two": np.array([0.01, -0.02]),
        "three": np.array([0.01, -0.02, 0.005]),
        "long_10k": rng.normal(0.0003, 0.012, 10_000),
    }
    return out
