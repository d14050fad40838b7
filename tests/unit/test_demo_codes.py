"""The demo's pure helpers: barcodes, codes, rounding and the plan."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.demo.codes import (
    abbreviation,
    bin_code,
    gateway_id,
    gtin13,
    gtin_check_digit,
    idempotency_key,
    is_valid_gtin,
    slug,
    tracking_number,
)
from services.demo.context import Weighted
from services.demo.plan import DEFAULT_ORDER_LINES, DEFAULT_VARIANTS, MIN_SCALE, plan_for


@pytest.mark.parametrize("code", ["4006381333931", "9780306406157", "5901234123457"])
def test_known_gtin13_codes_have_the_check_digit_gs1_computes(code: str) -> None:
    assert gtin_check_digit(code[:-1]) == int(code[-1])
    assert is_valid_gtin(code)


def test_a_gtin_with_a_wrong_check_digit_or_letters_is_invalid() -> None:
    assert not is_valid_gtin("4006381333932")
    assert not is_valid_gtin("400638133393X")
    assert not is_valid_gtin("12345")


@given(st.integers(0, 9_999_999), st.integers(0, 99_999))
def test_every_generated_gtin13_is_thirteen_digits_and_valid(prefix: int, item: int) -> None:
    code = gtin13(prefix, item)
    assert len(code) == 13 and is_valid_gtin(code)


def test_bin_codes_sort_in_the_order_a_picker_walks() -> None:
    walk = [bin_code(a, s, lv) for a in range(26) for s in range(1, 100) for lv in range(1, 10)]
    assert walk == sorted(walk)
    assert bin_code(0, 3, 2) == "A-03-2"


def test_skus_and_handles_are_made_of_safe_characters() -> None:
    assert abbreviation("Heather Grey") == "HGR"
    assert abbreviation("8.5") == "8H5"
    assert abbreviation("14 oz") == "14OZ"
    assert abbreviation("XL") == "XL"
    assert slug("Cedar & Smoke Candle") == "cedar-smoke-candle"


def test_gateway_ids_tracking_numbers_and_keys_have_their_real_shapes() -> None:
    rng = random.Random(1)
    assert gateway_id(rng, "pi").startswith("pi_") and len(gateway_id(rng, "pi")) == 27
    assert len(tracking_number(rng, "USPS")) == 22
    ups = tracking_number(rng, "UPS")
    assert ups.startswith("1Z") and len(ups) == 18
    assert len(tracking_number(rng, "FedEx")) == 12
    key = idempotency_key(rng)
    assert [len(p) for p in key.split("-")] == [8, 4, 4, 4, 12] and key[14] == "4"


def test_the_same_random_state_gives_the_same_codes() -> None:
    first, second = random.Random(5), random.Random(5)
    assert [gateway_id(first, "re") for _ in range(3)] == [
        gateway_id(second, "re") for _ in range(3)
    ]


def test_weighted_draws_never_pick_what_weighs_nothing() -> None:
    rng = random.Random(3)
    draw = Weighted(["a", "b", "c"], [1.0, 0.0, 3.0])
    picks = [draw.pick(rng) for _ in range(2_000)]
    assert set(picks) == {"a", "c"}
    assert 0.65 < picks.count("c") / len(picks) < 0.85


def test_the_plan_grows_variants_and_order_lines_with_the_scale() -> None:
    end = datetime(2026, 11, 25, 9, tzinfo=UTC)
    default = plan_for(end=end)
    assert (default.variants, default.order_lines) == (DEFAULT_VARIANTS, DEFAULT_ORDER_LINES)
    big = plan_for(1_000_000, end=end)
    assert (big.variants, big.order_lines) == (1_000_000, 1_000_000)
    assert big.customers > default.customers


def test_the_year_starts_at_the_shops_midnight_a_year_before_the_end() -> None:
    end = datetime(2026, 11, 25, 9, tzinfo=UTC)
    plan = plan_for(end=end)
    local = plan.start + timedelta(hours=-8)
    assert (local.hour, local.minute) == (0, 0)
    assert timedelta(days=365) <= end - plan.start < timedelta(days=366)
    assert plan.days == 366


def test_a_scale_below_the_minimum_or_a_naive_end_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        plan_for(MIN_SCALE - 1)
    with pytest.raises(ValueError, match="timezone"):
        plan_for(end=datetime(2026, 1, 1))
