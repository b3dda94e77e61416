"""The shared trade-input vectors (kairo-core/tests/vectors/trade_inputs.json): the Python surface reads every
record as kairo-core, Node and the HTTP service do: the same trade for each good one, the same field and kind of
fault for each bad one."""
import json
import pathlib

import pytest

import kairo

VECTORS = json.loads(
    (pathlib.Path(__file__).resolve().parents[2] / "kairo-core" / "tests" / "vectors" / "trade_inputs.json").read_text()
)


def as_vector(t):
    at = t.executed_at
    micro = at.microsecond
    fraction = "" if micro == 0 else f".{micro // 1000:03d}" if micro % 1000 == 0 else f".{micro:06d}"
    return {
        "symbol": t.symbol, "side": t.side, "qty": format(t.qty, "f"), "price": format(t.price, "f"),
        "fees": format(t.fees, "f"),
        "executed_at": at.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z", "external_id": t.external_id,
    }


@pytest.mark.parametrize("case", VECTORS["good"], ids=lambda c: c["name"])
def test_good_records_become_the_stated_trades(case):
    assert as_vector(kairo.Trade(**case["input"])) == case["trade"]
    kairo.lots([case["input"]])  # the mapping path reads it too


@pytest.mark.parametrize("case", VECTORS["bad"], ids=lambda c: c["name"])
def test_bad_records_name_the_field_and_the_kind(case):
    with pytest.raises(kairo.InvalidTradeError) as e:
        kairo.lots([case["input"]])
    assert (e.value.field, e.value.kind, e.value.index) == (case["field"], case["kind"], 0)
