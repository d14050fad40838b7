"""Which orders a pick list or packing slip should not take without asking: cancelled, not
confirmed, or not paid."""

from __future__ import annotations

from models.status import OrderStatus
from services.orders import cancel_order, get_order_detail
from services.orders.picking import NotReady, orders_not_ready
from tests import orders_support as support


def test_orders_not_confirmed_or_not_paid_are_named_with_their_reasons(store, staff) -> None:
    manager = staff["manager"]
    shop = support.shop(store, staff["admin"], skus=("READY-A",))

    def order(*, confirm: bool, paid: float, cancel: bool = False) -> int:
        order_id = support.place(store, manager, shop, (2,))
        if confirm:
            support.advance(store, manager, order_id, OrderStatus.CONFIRMED)
        total = get_order_detail(store.unit_of_work(), order_id).totals.total
        if paid:
            support.pay(store, manager, order_id, int(total * paid))
        if cancel:
            cancel_order(store.unit_of_work(), manager, order_id, reason="test")
        return order_id

    ready = order(confirm=True, paid=1)
    pending_paid = order(confirm=False, paid=1)
    confirmed_unpaid = order(confirm=True, paid=0)
    partly = order(confirm=True, paid=0.5)
    cancelled = order(confirm=False, paid=0, cancel=True)
    ids = [ready, pending_paid, confirmed_unpaid, partly, cancelled]
    number = {i: get_order_detail(store.unit_of_work(), i).number for i in ids}

    found = orders_not_ready(store.unit_of_work(), ids)

    assert found == [
        NotReady(number[pending_paid], ("not confirmed",)),
        NotReady(number[confirmed_unpaid], ("not paid",)),
        NotReady(number[partly], ("only partly paid",)),
        NotReady(number[cancelled], ("cancelled", "not paid")),
    ]
    assert found[-1].describe() == f"#{number[cancelled]}: cancelled, not paid"
    assert orders_not_ready(store.unit_of_work(), [ready]) == []
