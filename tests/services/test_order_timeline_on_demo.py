"""The demo's order timelines read like the ones the order services write.

The demo generator COPYs its ``order_history`` rows; it builds them with the same
``services.orders.history`` functions as the services, so the timeline reads the same.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.money import format_minor
from models.status import FulfillmentStatus, OrderStatus, PaymentStatus
from services.demo import seed_demo
from services.orders import get_order_detail
from services.orders.history import PLACED
from tests.services.demo_support import END

pytestmark = pytest.mark.committed


def test_every_demo_order_state_has_a_timeline_in_plain_words(committed_store) -> None:
    store = committed_store
    seed_demo(store, scale=300, end=END)
    with store.session_factory() as session:
        ids = session.execute(
            text(
                "SELECT DISTINCT ON (status, payment_status, fulfillment_status, channel) id "
                "FROM orders ORDER BY status, payment_status, fulfillment_status, channel, id"
            )
        ).scalars()
        details = [get_order_detail(store.unit_of_work(), i) for i in ids]
    assert {d.state.status for d in details} == set(OrderStatus)
    assert {d.state.payment_status for d in details} == set(PaymentStatus)
    assert {d.state.fulfillment_status for d in details} == set(FulfillmentStatus)
    kinds = set()
    for detail in details:
        money = {e.id: format_minor(e.data.get("amount"), detail.currency) for e in detail.timeline}
        placement = detail.timeline[0]
        assert placement.summary.startswith(PLACED[detail.channel])
        assert format_minor(detail.totals.total, detail.currency) in placement.summary
        for event in detail.timeline:
            kinds.add(event.kind)
            where = f"#{detail.number} {event.kind}: {event.summary}"
            assert "None" not in event.summary, where
            assert event.staff_name, where
            if event.kind in ("payment", "refund"):
                assert event.data["amount"] > 0, where
                assert money[event.id] in event.summary, where
            if event.kind == "fulfillment" and event.data["carrier"]:
                assert f"via {event.data['carrier']}" in event.summary, where
                assert f"tracking {event.data['tracking_number']}" in event.summary, where
    assert {"status", "payment", "refund", "fulfillment", "return", "stock"} <= kinds
    online = next(d for d in details if d.channel == "online")
    assert online.timeline[0].summary == (
        f"Placed on the online store ({format_minor(online.totals.total, online.currency)})"
    )
    authorized = next(
        e
        for d in details
        for e in d.timeline
        if e.kind == "payment" and e.data["action"] == "authorized"
    )
    assert authorized.summary.startswith("Payment of $") and " authorized via Stripe" in (
        authorized.summary
    )
