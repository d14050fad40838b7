"""Fulfilling per location, partly or fully, with carrier and tracking."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.status import OrderStatus
from services.errors import InvalidTransition, PermissionDenied, ValidationFailed
from services.inventory.ledger import verify_ledger
from services.orders import fulfil_order, get_order_detail
from tests import orders_support as support


def _processing(store, staff, quantities=(3, 2)):
    shop = support.shop(store, staff["admin"], skus=("A", "B"), on_hand=10)
    order_id = support.place(store, staff["manager"], shop, quantities)
    support.advance(store, staff["manager"], order_id, OrderStatus.PROCESSING)
    return shop, order_id, get_order_detail(store.unit_of_work(), order_id)


def test_a_partial_fulfillment_ships_what_was_chosen_and_the_rest_ships_later(store, staff) -> None:
    shop, order_id, detail = _processing(store, staff)
    a, b = detail.lines
    first = fulfil_order(
        store.unit_of_work(),
        staff["warehouse"],
        order_id,
        location_id=shop.location_id,
        quantities={a.id: 1, b.id: 2},
        carrier="USPS",
        tracking_number="9400100000000000000000",
    )
    assert (first.status, first.fulfillment_status) == ("processing", "partially_fulfilled")
    level_a = support.level(store, shop.variants[0], shop.location_id)
    assert (level_a["on_hand"], level_a["committed"], level_a["available"]) == (9, 2, 7)
    second = fulfil_order(
        store.unit_of_work(), staff["warehouse"], order_id, carrier="UPS", tracking_number="1Z2"
    )
    assert (second.status, second.fulfillment_status) == ("shipped", "fulfilled")
    detail = get_order_detail(store.unit_of_work(), order_id)
    assert [
        (f.tracking_number, [(ln.sku, ln.quantity) for ln in f.lines]) for f in detail.fulfillments
    ] == [
        ("9400100000000000000000", [("A", 1), ("B", 2)]),
        ("1Z2", [("A", 2)]),
    ]
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
        fulfilled = uow.execute(
            text(
                "SELECT sum(on_hand_delta), sum(committed_delta) FROM stock_movements"
                " WHERE reason = 'fulfilled'"
            )
        ).one()
    assert tuple(fulfilled) == (-5, -5)


def test_more_than_is_left_or_another_locations_line_is_refused_and_nothing_ships(
    store, staff
) -> None:
    shop, order_id, detail = _processing(store, staff)
    a, b = detail.lines
    with pytest.raises(ValidationFailed) as too_many:
        fulfil_order(
            store.unit_of_work(), staff["warehouse"], order_id, quantities={a.id: 1, b.id: 3}
        )
    assert "B: 3 to ship but only 2 left." in str(too_many.value)
    other = support.shop(store, staff["admin"], skus=("Z",))
    with pytest.raises(ValidationFailed) as elsewhere:
        fulfil_order(
            store.unit_of_work(),
            staff["warehouse"],
            order_id,
            location_id=other.location_id,
            quantities={a.id: 1},
        )
    assert "another location" in str(elsewhere.value)
    assert get_order_detail(store.unit_of_work(), order_id).fulfillments == ()
    assert support.level(store, shop.variants[0], shop.location_id)["on_hand"] == 10


def test_an_order_not_in_processing_cannot_be_fulfilled(store, staff) -> None:
    shop = support.shop(store, staff["admin"])
    order_id = support.place(store, staff["manager"], shop, (1,))
    with pytest.raises(InvalidTransition) as refused:
        fulfil_order(store.unit_of_work(), staff["warehouse"], order_id)
    assert "must be in processing" in str(refused.value)
    with pytest.raises(PermissionDenied):
        fulfil_order(store.unit_of_work(), staff["merchandiser"], order_id)
