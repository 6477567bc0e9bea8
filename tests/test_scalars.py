"""G2: DateTime is printed as a UTC instant ending in Z, whatever offset it was held in; naive ones are refused.
Decimal is printed exactly, never in exponent form."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schema.common.scalars import _serialize_datetime, _serialize_decimal


@pytest.mark.parametrize("value, printed", [
    (dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC), "2026-11-23T02:00:00Z"),
    (dt.datetime(2026, 11, 23, 10, 0, 0, 250, tzinfo=ZoneInfo("Asia/Shanghai")), "2026-11-23T02:00:00.000250Z"),
    (dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), "2026-11-23T02:00:00Z"),
    (dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone(dt.timedelta(0))), "2026-11-23T02:00:00Z"),
])
def test_datetimes_print_as_utc_instants(value, printed):
    assert _serialize_datetime(value) == printed


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        _serialize_datetime(dt.datetime(2026, 11, 23, 2, 0))


def test_decimals_print_exactly():
    assert [_serialize_decimal(Decimal(v)) for v in ("12.30", "1E+2", "-0.05", "0E-2")] == [
        "12.30",
        "100",
        "-0.05",
        "0.00",
    ]


@settings(max_examples=2000, deadline=None)
@given(st.datetimes(timezones=st.just(dt.UTC)))
def test_datetimes_print_as_isoformat_would(value):
    """The printer is orjson's: it must write exactly what ``isoformat`` writes, microseconds, small years and all."""
    assert _serialize_datetime(value) == value.isoformat().removesuffix("+00:00") + "Z"


@settings(max_examples=500, derandomize=True, database=None)
@given(st.lists(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
                min_size=1, max_size=20))
def test_quantities_print_the_same_remembered_or_not(values):
    """A quantity is remembered per value: equal decimals (2.000, 2) print alike, and zero keeps its sign."""
    from schema.orders import types

    def fresh(value: Decimal) -> Decimal:
        normalised = value.normalize()
        return normalised.quantize(Decimal(1)) if normalised == normalised.to_integral() else normalised

    for value in [*values, *values, Decimal("-0.000"), Decimal("0.000"), Decimal("2.000"), Decimal("2")]:
        assert str(types.quantity_out(value)) == str(fresh(value))
