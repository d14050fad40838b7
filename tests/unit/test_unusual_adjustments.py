"""Which stock adjustments the dialog shows again before saving: below zero, or large."""

from __future__ import annotations

import pytest

from services.inventory.adjustments import LARGE_CHANGE, unusual_change


@pytest.mark.parametrize(
    ("on_hand", "change", "said"),
    [
        (5, -50, "takes on hand below zero (5 → -45)"),
        (0, -1, "takes on hand below zero (0 → -1)"),
        (-3, -1, "takes on hand below zero (-3 → -4)"),
        (500, LARGE_CHANGE, "changes on hand by +100 (500 → 600)"),
        (500, -LARGE_CHANGE, "changes on hand by -100 (500 → 400)"),
        (12, 250, "changes on hand by +250 (12 → 262)"),  # 25 with a digit too many
        (20, 41, "changes on hand by +41 (20 → 61)"),
    ],
)
def test_a_change_below_zero_or_large_is_named(on_hand: int, change: int, said: str) -> None:
    assert unusual_change(on_hand, change) == said


@pytest.mark.parametrize(
    ("on_hand", "change"),
    [
        (5, -5),  # to zero, not below
        (5, -2),
        (0, 24),  # first stock of a new item
        (3, 9),  # more than twice, but a handful of units
        (20, 40),  # exactly twice
        (500, 99),
        (-3, 2),  # a backorder made smaller
    ],
)
def test_an_ordinary_change_passes(on_hand: int, change: int) -> None:
    assert unusual_change(on_hand, change) is None
