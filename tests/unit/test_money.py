"""Money: integer minor units, written and read as the store's locale does, one rounding rule,
no cent lost or invented, no currencies mixed."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.money import (
    Money,
    MoneyError,
    MoneyFormat,
    default_locale,
    divide_rounded,
    exponent,
    format_minor,
    percent_of,
)

NBSP, NNBSP = "\u00a0", "\u202f"


def test_parsing_accepts_what_merchants_type() -> None:
    assert Money.parse("12.5").minor == 1250
    assert Money.parse("$1,234.99").minor == 123499
    assert Money.parse(" 3 ").minor == 300
    assert Money.parse("1000", "JPY").minor == 1000


@pytest.mark.parametrize(
    ("text", "currency", "locale", "minor"),
    [
        ("12,50", "EUR", "de_DE", 1250),
        ("1.234,56", "EUR", "de_DE", 123456),
        ("1.234,56 €", "EUR", "de_DE", 123456),
        ("-3,5", "EUR", "de_DE", -350),
        ("1234", "EUR", "de_DE", 123400),
        ("1 234,56", "EUR", "fr_FR", 123456),  # typed with a plain space
        (f"1{NNBSP}234,56{NBSP}€", "EUR", "fr_FR", 123456),  # as fr_FR writes it
        ("1'234.50", "CHF", "de_CH", 123450),
        ("£1,234.56", "GBP", "en_GB", 123456),
        ("¥1,235", "JPY", "en_US", 1235),
        ("1.234", "JPY", "ja_JP", 1),  # yen have no minor unit: rounded half to even
        ("1.2345", "BHD", "en_US", 1234),  # fils: three decimals, half to even
        ("BHD 12.5", "BHD", "en_US", 12500),
        ("(5.00)", "USD", "en_US", -500),
    ],
)
def test_parsing_follows_the_locale_and_the_currency(
    text: str, currency: str, locale: str, minor: int
) -> None:
    assert Money.parse(text, currency, locale) == Money(minor, currency)


@pytest.mark.parametrize(
    ("text", "locale"),
    [("12.5", "de_DE"), ("1.23", "de_DE"), ("12,50", "en_US"), ("1,2", "en_US")],
)
def test_a_separator_in_the_wrong_place_is_refused_not_guessed(text: str, locale: str) -> None:
    """``12.5`` in a German store could be 12.50 or 125: the merchant is asked, not guessed
    for, and told how the store writes an amount."""
    with pytest.raises(MoneyError, match="write it like") as refused:
        Money.parse(text, "EUR", locale)
    assert ("1234,56" if locale == "de_DE" else "1234.56") in str(refused.value)


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "NaN", "Infinity", "€"])
def test_parsing_refuses_what_is_not_an_amount(bad: str) -> None:
    with pytest.raises(MoneyError):
        Money.parse(bad, "EUR")


def test_floats_are_refused_everywhere() -> None:
    with pytest.raises(MoneyError):
        Money(12.5)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money.parse(12.5)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money(100) * 1.5  # type: ignore[operator]


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "shown"),
    [
        (123450, "USD", "en_US", "$1,234.50"),
        (-300, "USD", "en_US", "-$3.00"),
        (123450, "EUR", "de_DE", f"1.234,50{NBSP}€"),
        (-123450, "EUR", "de_DE", f"-1.234,50{NBSP}€"),
        (123450, "EUR", "fr_FR", f"1{NNBSP}234,50{NBSP}€"),
        (123450, "EUR", "en_IE", "€1,234.50"),
        (1500, "SEK", "en_US", "SEK15.00"),
        (1235, "JPY", "en_US", "¥1,235"),
        (1235, "JPY", "ja_JP", "￥1,235"),
        (1234567, "BHD", "en_US", "BHD1,234.567"),
        (5, "BHD", "en_US", "BHD0.005"),
        # CLDR shows forints without decimals; the store counts ISO's two, so shows them
        (123450, "HUF", "hu_HU", f"1{NBSP}234,50{NBSP}Ft"),
    ],
)
def test_formatting_follows_the_locale_and_the_currency(
    minor: int, currency: str, locale: str, shown: str
) -> None:
    assert Money(minor, currency).format(locale) == shown
    assert Money.parse(shown, currency, locale) == Money(minor, currency)  # it reads back


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "text"),
    [
        (123450, "USD", "en_US", "1234.50"),
        (1250, "EUR", "de_DE", "12,50"),
        (-5, "EUR", "fr_FR", "-0,05"),
        (1235, "JPY", "ja_JP", "1235"),
        (1234567, "BHD", "ar_BH", "1234.567"),
    ],
)
def test_an_input_field_shows_the_plain_number_that_reads_back(
    minor: int, currency: str, locale: str, text: str
) -> None:
    assert Money(minor, currency).edit_text(locale) == text
    assert Money.parse(text, currency, locale).minor == minor


def test_minor_units_are_iso_4217s() -> None:
    assert [exponent(c) for c in ("USD", "EUR", "JPY", "KRW", "BHD", "KWD", "HUF")] == [
        2,
        2,
        0,
        0,
        3,
        3,
        2,
    ]


def test_a_stores_format_is_its_locale_or_its_countrys_or_its_currencys() -> None:
    assert MoneyFormat.of_store("EUR", "fr_FR").locale == "fr_FR"
    assert MoneyFormat.of_store("EUR", None, "FR").locale == "fr_FR"
    assert MoneyFormat.of_store("EUR", None, "de").locale == "de_DE"
    assert MoneyFormat.of_store("EUR", None).locale == "de_DE"
    assert MoneyFormat.of_store("USD", None, "US").locale == "en_US"
    assert default_locale("GBP") == "en_GB"
    assert default_locale("XTS", "ZZ") == "en_US"
    euro = MoneyFormat("EUR", "de_DE")
    assert euro.parse("12,50") == Money(1250, "EUR")
    assert euro.format(1250) == f"12,50{NBSP}€"
    assert euro.format(Money(1250, "USD")) == f"12,50{NBSP}$"
    assert euro.format(None) == ""
    assert euro.edit_text(1250) == "12,50"
    assert euro.in_currency("CHF") == MoneyFormat("CHF", "de_DE")


def test_rounding_is_half_even_once() -> None:
    assert Money.parse("0.125").minor == 12
    assert Money.parse("0.135").minor == 14
    assert Money(1999).percent(1500).minor == 300  # 299.85 -> 300
    assert Money(-250).percent(1000) == Money(-25)  # -25.0: exact
    assert [divide_rounded(n, 2) for n in (1, 3, 5, -1, -3, -5)] == [0, 2, 2, 0, -2, -2]
    assert divide_rounded(7, -2) == -4
    with pytest.raises(ZeroDivisionError):
        divide_rounded(1, 0)


@given(st.integers(-(10**15), 10**15), st.integers(1, 10**6))
def test_the_one_rounding_rule_is_decimals_half_even(numerator: int, denominator: int) -> None:
    exact = (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), ROUND_HALF_EVEN)
    assert divide_rounded(numerator, denominator) == int(exact)


@given(st.integers(-(10**12), 10**12), st.integers(0, 10_000))
def test_a_percentage_rounds_by_the_one_rule(minor: int, basis_points: int) -> None:
    assert percent_of(minor, basis_points) == divide_rounded(minor * basis_points, 10_000)
    assert Money(minor).percent(basis_points).minor == percent_of(minor, basis_points)


@pytest.mark.parametrize(
    "combine",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_currencies_do_not_mix(combine) -> None:
    with pytest.raises(MoneyError, match="cannot combine USD with EUR"):
        combine(Money(100, "USD"), Money(100, "EUR"))
    with pytest.raises(MoneyError):
        combine(Money(100, "USD"), 100)


def test_amounts_of_one_currency_add_and_compare() -> None:
    assert Money(100, "EUR") + Money(250, "EUR") == Money(350, "EUR")
    assert Money(100, "EUR") < Money(250, "EUR")
    assert max(Money(5, "JPY"), Money(7, "JPY")) == Money(7, "JPY")
    assert Money(100, "USD") != Money(100, "EUR")  # different amounts, not an error


def test_format_minor_writes_nothing_for_no_amount() -> None:
    assert format_minor(None) == ""
    assert format_minor(1250, "EUR", "de_DE") == f"12,50{NBSP}€"
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
