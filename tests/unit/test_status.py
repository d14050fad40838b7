"""Statuses and their allowed transitions, declared once."""

from __future__ import annotations

import itertools

import pytest

from models.status import (
    ORDER_TRANSITIONS,
    FulfillmentStatus,
    IllegalTransition,
    OrderStatus,
    fulfillment_status_for,
    require_transition,
)

LIFECYCLE = [
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
]


def test_the_order_lifecycle_is_strict_with_no_skipping() -> None:
    for current, following in itertools.pairwise(LIFECYCLE):
        require_transition(ORDER_TRANSITIONS, current, following)
    for i, current in enumerate(LIFECYCLE):
        for later in LIFECYCLE[i + 2 :]:
            with pytest.raises(IllegalTransition):
                require_transition(ORDER_TRANSITIONS, current, later)


def test_cancellation_is_allowed_only_before_shipping() -> None:
    for status in OrderStatus:
        allowed = OrderStatus.CANCELLED in ORDER_TRANSITIONS[status]
        assert allowed == (status in LIFECYCLE[:3])


def test_every_status_has_a_transitions_entry() -> None:
    assert set(ORDER_TRANSITIONS) == set(OrderStatus)


@pytest.mark.parametrize(
    ("ordered", "fulfilled", "expected"),
    [
        (3, 0, FulfillmentStatus.UNFULFILLED),
        (3, 1, FulfillmentStatus.PARTIALLY_FULFILLED),
        (3, 3, FulfillmentStatus.FULFILLED),
        (0, 0, FulfillmentStatus.UNFULFILLED),
    ],
)
def test_fulfillment_status_follows_quantities(
    ordered: int, fulfilled: int, expected: FulfillmentStatus
) -> None:
    assert fulfillment_status_for(ordered, fulfilled) == expected
