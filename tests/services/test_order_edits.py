"""Editing an order before packing: reservations and totals rebalanced, a versioned change."""

from __future__ import annotations

import pytest

from models.status import OrderStatus
from services.errors import Conflict, InsufficientStock, InvalidTransition, ValidationFailed
from services.inventory.ledger import verify_ledger
from services.orders import LineChange, edit_order, get_order_detail
from tests import orders_support as support


def test_an_edit_rebalances_stock_and_totals_and_shows_what_is_owed(store, staff) -> None:
    shop = support.shop(store, staff["admin"], skus=("A", "B", "C"), on_hand=10, price=1000)
    order_id = support.place(store, staff["manager"], shop, (2, 1), tax_rate_bp=1000)
    support.pay(store, staff["manager"], order_id, 3300)
    detail = get_order_detail(store.unit_of_work(), order_id)
    a, b = detail.lines
    result = edit_order(
        store.unit_of_work(),
        staff["manager"],
        order_id,
        [
            LineChange(quantity=3, line_id=a.id),
            LineChange(quantity=0, line_id=b.id),
            LineChange(quantity=1, variant_id=shop.variants[2]),
        ],
        expected_version=detail.version,
        note="Customer called",
    )
    committed = [support.level(store, v, shop.location_id)["committed"] for v in shop.variants]
    assert committed == [3, 0, 1]
    after = get_order_detail(store.unit_of_work(), order_id)
    assert [(ln.sku, ln.quantity) for ln in after.lines] == [("A", 3), ("C", 1)]
    assert (after.totals.subtotal, after.totals.tax_total, after.totals.total) == (
        4000,
        400,
        4400,
    )
    assert (result.total_before, result.total_after, result.difference) == (3300, 4400, 1100)
    assert result.balance_due == 1100 and after.payment_status == "partially_paid"
    assert result.version == after.version > detail.version
    edit = after.timeline[-1]
    assert edit.kind == "edit" and edit.data["version"] == after.version
    assert edit.summary.startswith(f"Edited (version {after.version}): A 2 → 3; removed B; ")
    assert "added 1 × C" in edit.summary and "$11.00 to collect" in edit.summary
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_an_edit_from_a_stale_screen_is_a_conflict(store, staff) -> None:
    shop = support.shop(store, staff["admin"])
    order_id = support.place(store, staff["manager"], shop, (1,))
    detail = get_order_detail(store.unit_of_work(), order_id)
    change = [LineChange(quantity=2, line_id=detail.lines[0].id)]
    edit_order(
        store.unit_of_work(), staff["manager"], order_id, change, expected_version=detail.version
    )
    with pytest.raises(Conflict):
        edit_order(
            store.unit_of_work(),
            staff["manager"],
            order_id,
            change,
            expected_version=detail.version,
        )


def test_an_edit_after_packing_started_is_refused(store, staff) -> None:
    shop = support.shop(store, staff["admin"])
    order_id = support.place(store, staff["manager"], shop, (1,))
    support.advance(store, staff["manager"], order_id, OrderStatus.PROCESSING)
    detail = get_order_detail(store.unit_of_work(), order_id)
    with pytest.raises(InvalidTransition) as refused:
        edit_order(
            store.unit_of_work(),
            staff["manager"],
            order_id,
            [LineChange(quantity=2, line_id=detail.lines[0].id)],
            expected_version=detail.version,
        )
    assert "pending or confirmed" in str(refused.value)


def test_an_edit_that_needs_missing_stock_or_empties_the_order_changes_nothing(
    store, staff
) -> None:
    shop = support.shop(store, staff["admin"], skus=("A",), on_hand=2)
    order_id = support.place(store, staff["manager"], shop, (1,))
    detail = get_order_detail(store.unit_of_work(), order_id)
    line = detail.lines[0]
    with pytest.raises(InsufficientStock):
        edit_order(
            store.unit_of_work(),
            staff["manager"],
            order_id,
            [LineChange(quantity=5, line_id=line.id)],
            expected_version=detail.version,
        )
    with pytest.raises(ValidationFailed) as empty:
        edit_order(
            store.unit_of_work(),
            staff["manager"],
            order_id,
            [LineChange(quantity=0, line_id=line.id)],
            expected_version=detail.version,
        )
    assert "cancel it instead" in str(empty.value)
    again = get_order_detail(store.unit_of_work(), order_id)
    assert again.version == detail.version and again.lines[0].quantity == 1
    assert support.level(store, shop.variants[0], shop.location_id)["committed"] == 1
