"""Money-weighted returns on the shared vectors (kairo-core/tests/vectors/money_weighted.json): XIRR from pyxirr's
and Microsoft's values, modified Dietz derived by hand; the same answers and errors as the Rust core."""

import json
import pathlib

import pytest

import kairo

VECTORS = json.loads(
    (pathlib.Path(__file__).resolve().parents[2] / "kairo-core" / "tests" / "vectors" / "money_weighted.json").read_text()
)


@pytest.mark.parametrize("case", VECTORS["xirr"], ids=lambda c: c["name"])
def test_xirr(case):
    flows = [(d, a) for d, a in case["flows"]]
    if "rate" in case:
        assert kairo.xirr(flows) == pytest.approx(case["rate"], rel=1e-9, abs=1e-9)
    else:
        with pytest.raises(kairo.ParameterError) as e:
            kairo.xirr(flows)
        assert (e.value.kind, e.value.field) == (case["error"], "flows")


@pytest.mark.parametrize("case", VECTORS["modified_dietz"], ids=lambda c: c["name"])
def test_modified_dietz(case):
    args = (case["start_value"], case["end_value"], [(d, a) for d, a in case["flows"]], case["start"], case["end"])
    if "rate" in case:
        assert kairo.modified_dietz(*args) == pytest.approx(case["rate"], abs=1e-12)
    else:
        with pytest.raises(kairo.KairoError) as e:
            kairo.modified_dietz(*args)
        assert e.value.kind == case["error"]


def test_flows_take_dates_and_decimals():
    import datetime as dt
    from decimal import Decimal

    flows = [(dt.date(2023, 1, 1), Decimal("-1000")), (dt.datetime(2024, 1, 1, 12), 1100)]
    assert kairo.xirr(flows) == pytest.approx(0.1, abs=1e-12)
    with pytest.raises(kairo.KairoError):
        kairo.xirr([("2023-01-01",)])
