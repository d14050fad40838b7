"""The catalog's pure rules: handles, barcodes, option grids, price changes and rounding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.catalog.rules import (
    Adjustment,
    AmountChange,
    Rounding,
    clean_barcode,
    gtin_check_digit_ok,
    missing_combinations,
    round_to_ending,
    slugify,
    variant_title,
)


@pytest.mark.parametrize(
    ("title", "handle"),
    [
        ("Crème Brûlée Mug (Large)", "creme-brulee-mug-large"),
        ("Physical Product “The Band” T-Shirt", "physical-product-the-band-t-shirt"),
        ("  --Hello   World--  ", "hello-world"),
        ("★★★", ""),
    ],
)
def test_a_handle_is_made_from_the_title(title: str, handle: str) -> None:
    assert slugify(title) == handle


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("4006381333931", True),  # EAN-13
        ("4006381333932", False),
        ("036000291452", True),  # UPC-A
        ("96385074", True),  # EAN-8
        ("9781987654321", False),  # the ISBN in Shopify's 2025 template
        ("365275101829", False),  # from Shopify's 2023 template: real files contain these
        ("ABC-123", None),  # an in-house code has no check digit
        ("12345", None),
        ("00012345600012", True),  # GTIN-14
        ("²²²²²²²²", None),  # digits to Python, not to a scanner
        ("٤٠٠٦٣٨١٣", None),
    ],
)
def test_gtin_check_digits(code: str, ok: bool | None) -> None:
    assert gtin_check_digit_ok(code) is ok


def test_a_barcode_is_kept_as_a_scanner_reads_it() -> None:
    assert clean_barcode(" 978-1-98765-432-1 ") == "9781987654321"
    assert clean_barcode("ABC-123") == "ABC-123"
    assert clean_barcode(" 4006381333931 ") == "4006381333931"


def test_missing_combinations_are_every_pair_no_variant_has() -> None:
    options = [["S", "M"], ["Red", "Blue"]]
    have = [("S", "Red", None), ("M", "Red", None)]
    assert missing_combinations(options, have) == [("S", "Blue"), ("M", "Blue")]
    assert variant_title(("S", "Blue", None)) == "S / Blue"
    assert variant_title((None, None, None)) == "Default Title"


@pytest.mark.parametrize(
    ("amount", "rounding", "expected"),
    [
        (2200, Rounding.END_99, 2199),
        (2248, Rounding.END_99, 2199),
        (2249, Rounding.END_99, 2299),  # a tie (50 either way) goes up
        (30, Rounding.END_99, 99),  # never below zero
        (1234, Rounding.WHOLE, 1200),
        (1250, Rounding.WHOLE, 1300),
        (1234, Rounding.END_95, 1195),
        (1234, Rounding.NONE, 1234),
    ],
)
def test_rounding_to_a_price_ending(amount: int, rounding: Rounding, expected: int) -> None:
    assert round_to_ending(amount, rounding) == expected


def test_amount_changes() -> None:
    assert AmountChange(Adjustment.INCREASE_PERCENT, 1000).apply(1999) == 2199  # 21.989 -> 21.99
    assert AmountChange(Adjustment.DECREASE_PERCENT, 2500).apply(1000) == 750
    assert AmountChange(Adjustment.DECREASE_BY, 500).apply(300) == 0
    assert AmountChange(Adjustment.SET, 1500).apply(None) == 1500
    assert AmountChange(Adjustment.INCREASE_BY, 100).apply(None) is None  # no compare-at stays
    assert AmountChange(Adjustment.CLEAR).apply(1500) is None
    with pytest.raises(TypeError):
        AmountChange(Adjustment.SET, 12.5)  # type: ignore[arg-type]


@given(
    amount=st.integers(min_value=0, max_value=10_000_000),
    rounding=st.sampled_from([Rounding.END_99, Rounding.END_95, Rounding.END_90, Rounding.WHOLE]),
)
def test_a_rounded_price_has_the_ending_and_moves_at_most_half_a_unit(
    amount: int, rounding: Rounding
) -> None:
    rounded = round_to_ending(amount, rounding)
    assert rounded % 100 == rounding.ending
    assert rounded >= 0
    assert abs(rounded - amount) <= 100 if amount < 100 else abs(rounded - amount) <= 50
