"""The order screen names things as people know them: the location by its name, a return's
refund by its amount, a payment or refund by the gateway's reference (and who did it apart)."""

from __future__ import annotations

from models.status import OrderStatus, ReturnDisposition
from services.orders import get_order_detail
from services.orders.returns import ReturnLineInput, record_return
from services.payments import record_payment
from services.payments.service import refund_order
from tests import orders_support as support
from views.orders import OrdersPage


def _column(table, title: str) -> int:
    titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return titles.index(title)


def _texts(table, title: str) -> list[str]:
    column = _column(table, title)
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_the_order_shows_the_location_name_the_refund_amount_and_gateway_references(
    store, staff, context_for, qtbot
) -> None:
    manager = staff["manager"]
    shop = support.shop(store, staff["admin"], skus=("MUG",), location_code="WH-PDX")
    order_id = support.place(store, manager, shop, (2,), email="ada@example.com")
    record_payment(store.unit_of_work(), manager, order_id, amount=3000, reference="ch_3PqXdemo42")
    support.advance(store, manager, order_id, OrderStatus.SHIPPED)
    line = get_order_detail(store.unit_of_work(), order_id).lines[0]
    returned = record_return(
        store.unit_of_work(),
        manager,
        order_id,
        [ReturnLineInput(line.id, 1, ReturnDisposition.RESTOCK)],
    )
    refund_order(
        store.unit_of_work(),
        manager,
        order_id,
        amount=1500,
        idempotency_key="refund-return-1",
        reason="Returned",
        return_id=returned.return_id,
    )

    context = context_for("manager")
    page = OrdersPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    for _ in range(10):
        context.tasks.wait_for_idle()
        qtbot.wait(20)
    detail = page.detail
    assert "ships from Location WH-PDX" in detail.customer.text()
    assert "WH-PDX," not in detail.customer.text()
    assert _texts(detail.shipments, "From") == ["Location WH-PDX"]
    assert _texts(detail.returns, "Refund") == ["$15.00"]
    money = detail.money
    assert _texts(money, "Reference")[0] == "ch_3PqXdemo42"
    assert "Manager Tester" not in _texts(money, "Reference")
    assert _texts(money, "By")[1] == "Manager Tester"
