"""The order timeline's sentences: one shape per kind, and the rows written before it."""

from __future__ import annotations

import pytest

from services.orders import history
from services.orders.history import describe_event


def say(event: history.Event) -> str:
    return describe_event(event.kind, event.from_status, event.to_status, event.note, event.data)


def test_a_placement_says_how_the_order_came_in_and_its_total() -> None:
    assert say(history.placed("online", 3245)) == "Placed on the online store ($32.45)"
    assert (
        say(history.placed("phone", 1000, note="Leave at the door"))
        == "Taken by phone ($10.00): Leave at the door"
    )


def test_payments_say_what_moved_how_much_and_the_status_it_led_to() -> None:
    authorized = history.payment(
        "authorized", 11636, before="pending", after="authorized", gateway="stripe"
    )
    assert say(authorized) == "Payment of $116.36 authorized via Stripe"
    captured = history.payment(
        "captured", 3600, before="authorized", after="partially_paid", gateway="stripe"
    )
    assert say(captured) == "Payment of $36.00 captured via Stripe — now partially paid"
    declined = history.payment(
        "declined", 500, before="pending", after="pending", note="Your card was declined."
    )
    assert say(declined) == "Payment of $5.00 declined: Your card was declined."
    with pytest.raises(ValueError):
        history.payment("lost", 1, before="pending", after="pending")


def test_refunds_fulfillments_returns_and_stock_read_in_full() -> None:
    refund = history.refund(
        4190, "succeeded", before="paid", after="partially_refunded", refund_id=1, note="Too big"
    )
    assert say(refund) == "Refund of $41.90 succeeded: Too big — now partially refunded"
    shipped = history.fulfilled(
        7,
        before="unfulfilled",
        after="partially_fulfilled",
        location="WH",
        carrier="UPS",
        tracking_number="1Z9",
        lines=[{"line_id": 1, "sku": None, "title": "Gift card", "quantity": 1}],
    )
    assert say(shipped) == (
        "Fulfilled 1 × Gift card from WH via UPS tracking 1Z9 (partially fulfilled)"
    )
    back = history.returned(
        3,
        lines=[{"sku": "A", "quantity": 2, "disposition": "write_off"}],
        locations=["WH", "WH"],
        suggested_refund=100,
        note="Torn",
    )
    assert back.data["locations"] == ["WH"]
    assert say(back) == "Returned 2 × A (write-off): Torn"
    assert say(history.stock_released({5: 2}, {})) == "Stock released"
    assert history.stock_released({5: 2}, {6: 1}).data == {
        "released": {"5": 2},
        "restocked": {"6": 1},
    }


def test_rows_written_before_the_shared_shapes_still_read_well() -> None:
    # the demo's placement: the note was the sentence, no total
    assert (
        describe_event(
            "status", None, "pending", "Placed on the online store", {"channel": "online"}
        )
        == "Placed on the online store"
    )
    # the services' placement: a total, the channel only in the note
    assert (
        describe_event(
            "status", None, "pending", "Order taken by phone", {"created": True, "total": 500}
        )
        == "Order placed ($5.00): Order taken by phone"
    )
    # the demo's payment status change: no amount at all (never "$0.00 recorded")
    assert (
        describe_event("payment", "authorized", "paid", None, {"captured": 900, "refunded": 0})
        == "Payment status authorized → paid"
    )
    # the services' payment: an amount, no action
    assert describe_event(
        "payment", "pending", "paid", None, {"amount": 900, "gateway": "manual"}
    ) == ("Payment of $9.00 received via manual entry — now paid")
