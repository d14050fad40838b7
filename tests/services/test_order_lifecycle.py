"""The order state machine on real PostgreSQL: every move, allowed or refused, and its traces."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.status import ORDER_TRANSITIONS, OrderStatus
from services.errors import InvalidTransition, PermissionDenied, ValidationFailed
from services.inventory.ledger import verify_ledger
from services.orders import (
    OrderAction,
    add_note,
    bulk_action,
    cancel_order,
    confirm_order,
    fulfil_order,
    mark_delivered,
    ship_order,
    start_processing,
)
from tests import orders_support as support

MOVES = {
    OrderStatus.CONFIRMED: lambda uow, a, o: confirm_order(uow, a, o),
    OrderStatus.PROCESSING: lambda uow, a, o: start_processing(uow, a, o),
    OrderStatus.SHIPPED: lambda uow, a, o: ship_order(uow, a, o, tracking_number="1Z9"),
    OrderStatus.DELIVERED: lambda uow, a, o: mark_delivered(uow, a, o),
    OrderStatus.CANCELLED: lambda uow, a, o: cancel_order(uow, a, o, reason="Customer asked"),
}


def _order_in(store, staff, status: OrderStatus) -> tuple[support.Shop, int]:
    shop = support.shop(store, staff["admin"], skus=("A", "B"))
    order_id = support.place(store, staff["manager"], shop, (2, 1))
    if status is OrderStatus.CANCELLED:
        cancel_order(store.unit_of_work(), staff["manager"], order_id, reason="test")
    elif status is not OrderStatus.PENDING:
        support.advance(store, staff["manager"], order_id, status)
    return shop, order_id


def _snapshot(store, order_id: int) -> tuple:
    with store.session_factory() as session:
        return (
            support.order_row(store, order_id),
            session.execute(text("SELECT count(*) FROM order_history")).scalar_one(),
            session.execute(text("SELECT count(*) FROM stock_movements")).scalar_one(),
            session.execute(text("SELECT count(*) FROM outbox_events")).scalar_one(),
            session.execute(text("SELECT count(*) FROM fulfillments")).scalar_one(),
        )


@pytest.mark.parametrize(
    ("current", "target"),
    [(c, t) for c in OrderStatus for t in MOVES if t in ORDER_TRANSITIONS[c]],
    ids=str,
)
def test_every_allowed_transition_succeeds_and_is_recorded_with_its_actor(
    store, staff, current, target
) -> None:
    _, order_id = _order_in(store, staff, current)
    MOVES[target](store.unit_of_work(), staff["manager"], order_id)
    assert support.order_row(store, order_id)["status"] == target.value
    last_status = [h for h in support.history(store, order_id) if h["kind"] == "status"][-1]
    assert (last_status["from_status"], last_status["to_status"]) == (current, target)
    assert last_status["staff_id"] == staff["manager"].staff_id


@pytest.mark.parametrize(
    ("current", "target"),
    [(c, t) for c in OrderStatus for t in MOVES if t not in ORDER_TRANSITIONS[c]],
    ids=str,
)
def test_every_forbidden_transition_is_refused_and_changes_nothing(
    store, staff, current, target
) -> None:
    _, order_id = _order_in(store, staff, current)
    before = _snapshot(store, order_id)
    with pytest.raises(InvalidTransition) as refused:
        MOVES[target](store.unit_of_work(), staff["manager"], order_id)
    message = str(refused.value)
    assert message.startswith("Order #")
    assert current.value in message
    assert ("can be" in message) or ("cannot change any more" in message)
    assert _snapshot(store, order_id) == before


def test_cancelling_releases_exactly_what_was_committed(store, staff) -> None:
    shop = support.shop(store, staff["admin"], skus=("A", "B"), on_hand=10)
    other = support.place(store, staff["manager"], shop, (1, 1))
    order_id = support.place(store, staff["manager"], shop, (3, 2))
    assert support.level(store, shop.variants[0], shop.location_id)["committed"] == 4
    cancel_order(store.unit_of_work(), staff["manager"], order_id, reason="Out of time")
    a = support.level(store, shop.variants[0], shop.location_id)
    b = support.level(store, shop.variants[1], shop.location_id)
    assert (a["committed"], a["on_hand"], a["available"]) == (1, 10, 9)
    assert (b["committed"], b["on_hand"], b["available"]) == (1, 10, 9)
    row = support.order_row(store, order_id)
    assert row["cancel_reason"] == "Out of time" and row["cancelled_at"] is not None
    assert support.order_row(store, other)["status"] == "pending"
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
        reasons = uow.execute(
            text(
                "SELECT reason, sum(committed_delta) FROM stock_movements WHERE reference_id = :n"
                " GROUP BY reason ORDER BY reason"
            ),
            {"n": str(row["number"])},
        ).all()
    assert reasons == [("released", -5), ("reserved", 5)]


def test_cancelling_a_partly_fulfilled_order_with_restock_puts_shipped_units_back(
    store, staff
) -> None:
    shop = support.shop(store, staff["admin"], skus=("A",), on_hand=10)
    order_id = support.place(store, staff["manager"], shop, (4,))
    support.advance(store, staff["manager"], order_id, OrderStatus.PROCESSING)
    with store.unit_of_work() as uow:
        line_id = uow.execute(
            text("SELECT id FROM order_lines WHERE order_id = :o"), {"o": order_id}
        ).scalar_one()
    fulfil_order(store.unit_of_work(), staff["warehouse"], order_id, quantities={line_id: 1})
    level = support.level(store, shop.variants[0], shop.location_id)
    assert (level["on_hand"], level["committed"]) == (9, 3)
    cancel_order(
        store.unit_of_work(), staff["manager"], order_id, reason="Parcel came back", restock=True
    )
    level = support.level(store, shop.variants[0], shop.location_id)
    assert (level["on_hand"], level["committed"], level["available"]) == (10, 0, 10)
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_the_full_lifecycle_leaves_a_complete_history(store, staff) -> None:
    shop = support.shop(store, staff["admin"])
    order_id = support.place(store, staff["manager"], shop, (1, 1))
    add_note(store.unit_of_work(), staff["manager"], order_id, "Gift wrap please")
    support.advance(store, staff["manager"], order_id, OrderStatus.DELIVERED)
    events = [
        (h["kind"], h["from_status"], h["to_status"]) for h in support.history(store, order_id)
    ]
    assert events == [
        ("status", None, "pending"),
        ("note", None, None),
        ("status", "pending", "confirmed"),
        ("status", "confirmed", "processing"),
        ("fulfillment", "unfulfilled", "fulfilled"),
        ("status", "processing", "shipped"),
        ("status", "shipped", "delivered"),
    ]
    with store.unit_of_work() as uow:
        topics = (
            uow.execute(
                text("SELECT topic FROM outbox_events WHERE aggregate_id = :o ORDER BY id"),
                {"o": str(order_id)},
            )
            .scalars()
            .all()
        )
        audited = uow.execute(
            text("SELECT count(*) FROM audit_log WHERE entity_type = 'order' AND entity_id = :o"),
            {"o": str(order_id)},
        ).scalar_one()
    assert topics.count("order.status_changed") == 4
    assert audited >= 6


def test_cancelling_needs_a_reason_and_the_permission(store, staff) -> None:
    shop = support.shop(store, staff["admin"])
    order_id = support.place(store, staff["manager"], shop)
    with pytest.raises(ValidationFailed):
        cancel_order(store.unit_of_work(), staff["manager"], order_id, reason="  ")
    with pytest.raises(PermissionDenied):
        cancel_order(store.unit_of_work(), staff["warehouse"], order_id, reason="no")
    assert support.order_row(store, order_id)["status"] == "pending"


def test_a_bulk_action_reports_each_order_and_leaves_refused_ones_as_they_were(
    store, staff
) -> None:
    shop = support.shop(store, staff["admin"])
    pending = [support.place(store, staff["manager"], shop) for _ in range(3)]
    cancel_order(store.unit_of_work(), staff["manager"], pending[1], reason="dup")
    results = bulk_action(store.unit_of_work(), staff["manager"], pending, OrderAction.CONFIRM)
    assert [r.ok for r in results] == [True, False, True]
    assert "was cancelled" in results[1].message
    statuses = [support.order_row(store, o)["status"] for o in pending]
    assert statuses == ["confirmed", "cancelled", "confirmed"]
