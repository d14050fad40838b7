"""Two managers acting on the same order at the same moment end with one legal state."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.status import OrderStatus
from services.errors import InvalidTransition
from services.inventory.ledger import verify_ledger
from services.orders import cancel_order, ship_order
from tests import orders_support as support


@pytest.mark.committed
def test_shipping_and_cancelling_the_same_order_at_once_ends_in_one_legal_state(
    committed_store, committed_staff
) -> None:
    store, manager = committed_store, committed_staff["manager"]
    shop = support.shop(store, committed_staff["admin"], skus=("A", "B"), on_hand=20)
    finals = set()
    for _ in range(6):
        order_id = support.place(store, manager, shop, (2, 1))
        support.advance(store, manager, order_id, OrderStatus.PROCESSING)
        outcomes = support.race(
            lambda o=order_id: ship_order(store.unit_of_work(), manager, o, tracking_number="1Z"),
            lambda o=order_id: cancel_order(store.unit_of_work(), manager, o, reason="race"),
        )
        failures = [o for o in outcomes if isinstance(o, Exception)]
        assert len(failures) == 1 and isinstance(failures[0], InvalidTransition)
        row = support.order_row(store, order_id)
        finals.add(row["status"])
        history = support.history(store, order_id)
        last = [h for h in history if h["kind"] == "status"][-1]
        assert last["from_status"] == "processing" and last["to_status"] == row["status"]
        if row["status"] == "shipped":
            assert row["fulfillment_status"] == "fulfilled"
        else:
            assert row["status"] == "cancelled" and row["fulfillment_status"] == "unfulfilled"
    for variant in shop.variants:
        assert support.level(store, variant, shop.location_id)["committed"] == 0
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
    assert finals <= {"shipped", "cancelled"}


@pytest.mark.committed
def test_two_managers_shipping_the_same_order_ship_it_once(
    committed_store, committed_staff
) -> None:
    store, manager = committed_store, committed_staff["manager"]
    shop = support.shop(store, committed_staff["admin"], skus=("A",), on_hand=5)
    order_id = support.place(store, manager, shop, (3,))
    support.advance(store, manager, order_id, OrderStatus.PROCESSING)
    outcomes = support.race(
        *[
            (lambda: ship_order(store.unit_of_work(), manager, order_id, tracking_number="1Z"))
            for _ in range(3)
        ]
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    level = support.level(store, shop.variants[0], shop.location_id)
    assert (level["on_hand"], level["committed"]) == (2, 0)
    with store.unit_of_work() as uow:
        fulfillments = uow.execute(
            text("SELECT count(*) FROM fulfillments WHERE order_id = :o"), {"o": order_id}
        ).scalar_one()
    assert fulfillments == 1
