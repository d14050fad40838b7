"""Money: integer minor units, one rounding mode, no cent lost or invented."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.money import Money, MoneyError, format_minor


def test_parsing_accepts_what_merchants_type() -> None:
    assert Money.parse("12.5").minor == 1250
    assert Money.parse("$1,234.99").minor == 123499
    assert Money.parse(" 3 ").minor == 300
    assert Money.parse("1000", "JPY").minor == 1000


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "NaN", "Infinity"])
def test_parsing_refuses_what_is_not_an_amount(bad: str) -> None:
    with pytest.raises(MoneyError):
        Money.parse(bad)


def test_floats_are_refused_everywhere() -> None:
    with pytest.raises(MoneyError):
        Money(12.5)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money.parse(12.5)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money(100) * 1.5  # type: ignore[operator]


def test_rounding_is_half_even_once() -> None:
    assert Money.parse("0.125").minor == 12
    assert Money.parse("0.135").minor == 14
    assert Money(1999).percent(1500).minor == 300  # 299.85 -> 300


def test_currencies_do_not_mix() -> None:
    with pytest.raises(MoneyError):
        Money(100, "USD") + Money(100, "EUR")


def test_formatting_for_display() -> None:
    assert Money(123450).format() == "$1,234.50"
    assert Money(-300).format() == "-$3.00"
    assert Money(1500, "SEK").format() == "15.00 SEK"
    assert format_minor(None) == ""
    assert Money(123450).to_decimal() == Decimal("1234.50")


@given(
    amount=st.integers(min_value=-(10**9), max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30),
)
def test_allocation_adds_up_exactly(amount: int, weights: list[int]) -> None:
    parts = Money(amount).allocate(weights)
    assert sum(p.minor for p in parts) == amount
    assert len(parts) == len(weights)
    if sum(weights):
        for part, weight in zip(parts, weights, strict=True):
            exact = Decimal(amount) * weight / sum(weights)
            assert abs(Decimal(part.minor) - exact) < 1


def test_a_discount_spreads_over_lines_in_proportion() -> None:
    assert [m.minor for m in Money(1000).allocate([1, 1, 1])] == [334, 333, 333]
    assert [m.minor for m in Money(500).allocate([3000, 1000])] == [375, 125]


@given(
    amount=st.integers(min_value=-(10**12), max_value=10**12),
    basis_points=st.integers(min_value=-20_000, max_value=20_000),
)
def test_a_percentage_is_rounded_half_even_exactly(amount: int, basis_points: int) -> None:
    exact = (Decimal(amount) * basis_points / 10_000).quantize(Decimal(1), ROUND_HALF_EVEN)
    assert Money(amount).percent(basis_points).minor == int(exact)
