"""allowed_actions: the one source for enabled buttons, read from the transitions table."""

from __future__ import annotations

import pytest

from models.status import ORDER_TRANSITIONS, FulfillmentStatus, OrderStatus, PaymentStatus
from services.actors import Actor
from services.errors import InvalidTransition
from services.orders.actions import (
    ACTION_TARGETS,
    OrderAction,
    OrderState,
    allowed_actions,
    require_action,
)
from services.orders.core import payment_status_for
from services.orders.totals import effective_tax_rate_bp, scale, tax_lines, totals_of
from services.pricing import Cart, CartLine, ManualDiscount, PricedCart, price_cart


def state(status: OrderStatus, **kw) -> OrderState:
    defaults = dict(
        number=1001,
        status=status,
        payment_status=PaymentStatus.PENDING,
        fulfillment_status=FulfillmentStatus.UNFULFILLED,
        unfulfilled_quantity=2,
    )
    return OrderState(**{**defaults, **kw})


@pytest.mark.parametrize("status", list(OrderStatus))
def test_status_actions_are_exactly_the_transitions_table(status: OrderStatus) -> None:
    actions = allowed_actions(state(status))
    offered = {ACTION_TARGETS[a] for a in actions if a in ACTION_TARGETS}
    assert offered == set(ORDER_TRANSITIONS[status])


def test_fulfilling_needs_processing_and_something_left() -> None:
    assert OrderAction.FULFIL in allowed_actions(state(OrderStatus.PROCESSING))
    assert OrderAction.FULFIL not in allowed_actions(state(OrderStatus.CONFIRMED))
    done = state(OrderStatus.PROCESSING, unfulfilled_quantity=0)
    assert not {OrderAction.FULFIL, OrderAction.SHIP} & allowed_actions(done)


def test_editing_is_possible_only_before_packing() -> None:
    assert OrderAction.EDIT in allowed_actions(state(OrderStatus.PENDING))
    assert OrderAction.EDIT in allowed_actions(state(OrderStatus.CONFIRMED))
    assert OrderAction.EDIT not in allowed_actions(state(OrderStatus.PROCESSING))
    assert OrderAction.EDIT not in allowed_actions(state(OrderStatus.SHIPPED))


def test_money_actions_follow_the_balance_and_what_can_be_refunded() -> None:
    owing = state(OrderStatus.CONFIRMED, balance_due=500)
    assert OrderAction.RECORD_PAYMENT in allowed_actions(owing)
    assert OrderAction.REFUND not in allowed_actions(owing)
    paid = state(OrderStatus.CONFIRMED, refundable=500)
    assert OrderAction.REFUND in allowed_actions(paid)
    assert OrderAction.RECORD_PAYMENT not in allowed_actions(paid)
    assert OrderAction.RECORD_PAYMENT not in allowed_actions(
        state(OrderStatus.CANCELLED, balance_due=500)
    )


def test_returns_need_shipped_units_not_yet_returned() -> None:
    assert OrderAction.RETURN in allowed_actions(state(OrderStatus.SHIPPED, returnable_quantity=1))
    assert OrderAction.RETURN not in allowed_actions(state(OrderStatus.SHIPPED))


def test_an_actor_sees_only_the_actions_their_role_allows() -> None:
    warehouse = Actor(1, "W", "Warehouse", frozenset({"orders.fulfill", "orders.return"}))
    actions = allowed_actions(state(OrderStatus.PENDING), warehouse)
    assert actions == {OrderAction.CONFIRM}
    assert OrderAction.CANCEL in allowed_actions(state(OrderStatus.PENDING))


def test_a_refusal_says_why_and_what_is_possible() -> None:
    with pytest.raises(InvalidTransition) as refused:
        require_action(state(OrderStatus.PENDING), OrderAction.FULFIL)
    assert "must be in processing" in str(refused.value)
    with pytest.raises(InvalidTransition) as refused:
        require_action(state(OrderStatus.PENDING), OrderAction.SHIP)
    assert "cannot be shipped: it is pending" in str(refused.value)
    with pytest.raises(InvalidTransition) as refused:
        require_action(state(OrderStatus.SHIPPED), OrderAction.CANCEL)
    message = str(refused.value)
    assert "already shipped" in message and "record a return" in message
    assert "From shipped it can be marked delivered." in message
    with pytest.raises(InvalidTransition) as refused:
        require_action(state(OrderStatus.PENDING), OrderAction.START_PROCESSING)
    assert "one step at a time" in str(refused.value)
    assert "confirmed or cancelled" in str(refused.value)
    with pytest.raises(InvalidTransition) as refused:
        require_action(state(OrderStatus.CANCELLED), OrderAction.CONFIRM)
    assert "cancelled" in str(refused.value) and "cannot change any more" in str(refused.value)


@pytest.mark.parametrize(
    ("total", "authorized", "captured", "refunded", "expected"),
    [
        (1000, 0, 0, 0, PaymentStatus.PENDING),
        (1000, 1000, 0, 0, PaymentStatus.AUTHORIZED),
        (1000, 400, 400, 0, PaymentStatus.PARTIALLY_PAID),
        (1000, 1000, 1000, 0, PaymentStatus.PAID),
        (1000, 1000, 1000, 300, PaymentStatus.PARTIALLY_REFUNDED),
        (1000, 1000, 1000, 1000, PaymentStatus.REFUNDED),
    ],
)
def test_payment_status_follows_the_money(total, authorized, captured, refunded, expected):
    assert payment_status_for(total, authorized, captured, refunded) is expected


def _priced(lines: list[tuple[int, int]], discount: int = 0) -> PricedCart:
    manual = ManualDiscount(discount, "goodwill") if discount else None
    return price_cart(
        Cart(
            tuple(CartLine(i, i, i, q, p) for i, (p, q) in enumerate(lines)),
            manual=manual,
        )
    )


def test_an_order_discount_is_spread_without_losing_a_cent() -> None:
    lines = tax_lines(_priced([(999, 1), (333, 3), (1, 1)], discount=1000), 825)
    assert sum(ln.discount_total for ln in lines) == 1000
    totals = totals_of(lines, shipping=500)
    assert totals.total == 999 + 999 + 1 - 1000 + 500 + totals.tax_total
    assert scale(101, 1, 2) == 50  # half-even: 50.5 -> 50
    assert effective_tax_rate_bp(tax_lines(_priced([(10000, 1)]), 825)) == 825
