"""Returns per line: restock, damaged or written off, through the ledger, linked to a refund."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.status import OrderStatus, ReturnDisposition
from services.errors import InvalidTransition, ValidationFailed
from services.inventory.ledger import verify_ledger
from services.orders import ReturnLineInput, get_order_detail, record_return
from services.payments import refund_order
from tests import orders_support as support


def test_each_disposition_moves_stock_its_own_way_and_the_refund_is_linked(store, staff) -> None:
    shop = support.shop(store, staff["admin"], skus=("A", "B", "C"), on_hand=10, price=2000)
    order_id = support.place(store, staff["manager"], shop, (2, 2, 2), tax_rate_bp=500)
    total = get_order_detail(store.unit_of_work(), order_id).totals.total
    support.pay(store, staff["manager"], order_id, total)
    support.advance(store, staff["manager"], order_id, OrderStatus.DELIVERED)
    a, b, c = get_order_detail(store.unit_of_work(), order_id).lines
    result = record_return(
        store.unit_of_work(),
        staff["warehouse"],
        order_id,
        [
            ReturnLineInput(a.id, 1, ReturnDisposition.RESTOCK),
            ReturnLineInput(b.id, 2, ReturnDisposition.DAMAGED),
            ReturnLineInput(c.id, 1, ReturnDisposition.WRITE_OFF),
        ],
        note="Arrived torn",
    )
    assert result.suggested_refund == 4 * 2100
    levels = [support.level(store, v, shop.location_id) for v in shop.variants]
    assert [(ln["on_hand"], ln["damaged"], ln["available"]) for ln in levels] == [
        (9, 0, 9),
        (10, 2, 8),
        (8, 0, 8),
    ]
    refund = refund_order(
        store.unit_of_work(),
        staff["manager"],
        order_id,
        amount=result.suggested_refund,
        idempotency_key="return-1",
        return_id=result.return_id,
        reason="Returned goods",
    )
    assert refund.status == "succeeded"
    detail = get_order_detail(store.unit_of_work(), order_id)
    [back] = detail.returns
    assert back.refund_id == refund.refund_id
    assert [(ln.sku, ln.quantity, ln.disposition) for ln in back.lines] == [
        ("A", 1, "restock"),
        ("B", 2, "damaged"),
        ("C", 1, "write_off"),
    ]
    assert detail.payment_status == "partially_refunded"
    kinds = [e.kind for e in detail.timeline[-2:]]
    assert kinds == ["return", "refund"]
    assert "1 × A (restock), 2 × B (damaged), 1 × C (write-off)" in detail.timeline[-2].summary
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
        reasons = (
            uow.execute(
                text("SELECT reason FROM stock_movements WHERE note LIKE 'return %' ORDER BY id")
            )
            .scalars()
            .all()
        )
    assert reasons == ["return_restock", "damaged", "return_restock", "write_off"]


def test_more_than_was_shipped_and_not_returned_cannot_come_back(store, staff) -> None:
    shop = support.shop(store, staff["admin"], skus=("A",))
    order_id = support.place(store, staff["manager"], shop, (2,))
    [line] = get_order_detail(store.unit_of_work(), order_id).lines
    with pytest.raises(InvalidTransition):
        record_return(
            store.unit_of_work(),
            staff["warehouse"],
            order_id,
            [ReturnLineInput(line.id, 1, ReturnDisposition.RESTOCK)],
        )
    support.advance(store, staff["manager"], order_id, OrderStatus.SHIPPED)
    record_return(
        store.unit_of_work(),
        staff["warehouse"],
        order_id,
        [ReturnLineInput(line.id, 1, ReturnDisposition.RESTOCK)],
    )
    with pytest.raises(ValidationFailed) as refused:
        record_return(
            store.unit_of_work(),
            staff["warehouse"],
            order_id,
            [ReturnLineInput(line.id, 2, ReturnDisposition.RESTOCK)],
        )
    assert "only 1 shipped and not returned" in str(refused.value)
