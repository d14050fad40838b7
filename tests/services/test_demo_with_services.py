"""The demo store is one the shop's own services can carry on running.

The generator writes straight through COPY, so nothing but the schema ties its rows to the
services' conventions. These tests take the demo's open documents and orders forward with the
real services and check the ledger still balances afterwards.
"""

from __future__ import annotations

import pytest

from models.status import ReturnDisposition
from services.demo import seed_demo
from services.inventory.counts import count_variances
from services.inventory.ledger import verify_ledger
from services.inventory.purchasing import receive_purchase_order
from services.inventory.transfers import receive_transfer
from services.orders.fulfillment import ship_order
from services.orders.lifecycle import cancel_order, confirm_order, start_processing
from services.orders.returns import ReturnLineInput, record_return
from tests.conftest import staff_actors
from tests.services.demo_support import COMMITTED_MISMATCHES, END, fresh_store, rows, scalar

pytestmark = pytest.mark.committed


@pytest.fixture(scope="module")
def shop(pg_server, template_database):
    with fresh_store(pg_server, template_database) as store:
        seed_demo(store, scale=300, end=END)
        yield store, staff_actors(store)


def _balanced(store) -> None:
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
    assert rows(store, COMMITTED_MISMATCHES) == []


def test_the_transfer_on_the_road_can_be_received(shop) -> None:
    store, staff = shop
    transfer_id = scalar(store, "SELECT min(id) FROM transfers WHERE status = 'shipped'")
    detail = receive_transfer(store.unit_of_work(), staff["warehouse"], transfer_id)
    assert detail.status == "received"
    _balanced(store)


def test_an_ordered_purchase_order_can_be_received(shop) -> None:
    store, staff = shop
    order_id = scalar(
        store,
        "SELECT min(p.id) FROM purchase_orders p WHERE status = 'ordered' AND NOT EXISTS "
        "(SELECT 1 FROM purchase_order_lines l JOIN variants v ON v.id = l.variant_id "
        "WHERE l.purchase_order_id = p.id AND v.inventory_policy = 'continue')",
    )
    detail = receive_purchase_order(store.unit_of_work(), staff["warehouse"], order_id)
    assert detail.status == "received"
    _balanced(store)


def test_open_orders_move_on_and_cancel_with_the_order_services(shop) -> None:
    store, staff = shop
    manager, warehouse = staff["manager"], staff["warehouse"]
    pending = [r[0] for r in rows(store, "SELECT id FROM orders WHERE status = 'pending'")]
    confirm_order(store.unit_of_work(), manager, pending[0])
    start_processing(store.unit_of_work(), warehouse, pending[0])
    shipped = ship_order(store.unit_of_work(), warehouse, pending[0])
    assert shipped.status == "shipped"
    cancelled = cancel_order(
        store.unit_of_work(), manager, pending[-1], reason="Customer called to cancel"
    )
    assert cancelled.status == "cancelled"
    processing = scalar(
        store, "SELECT min(id) FROM orders WHERE status = 'processing' AND fulfillment_status = "
        "'partially_fulfilled'",
    )  # fmt: skip
    assert ship_order(store.unit_of_work(), warehouse, processing).status == "shipped"
    _balanced(store)


def test_a_delivered_order_can_be_returned(shop) -> None:
    store, staff = shop
    order_id, line_id, quantity = rows(
        store,
        "SELECT o.id, l.id, l.fulfilled_quantity - l.returned_quantity FROM orders o "
        "JOIN order_lines l ON l.order_id = o.id WHERE o.status = 'delivered' "
        "AND l.fulfilled_quantity > l.returned_quantity ORDER BY o.id DESC LIMIT 1",
    )[0]
    record_return(
        store.unit_of_work(),
        staff["warehouse"],
        order_id,
        [ReturnLineInput(line_id, quantity, ReturnDisposition.RESTOCK)],
    )
    _balanced(store)


def test_the_count_under_way_reads_its_scans_against_the_stock_they_saw(shop) -> None:
    store, _ = shop
    count_id = scalar(store, "SELECT id FROM stock_counts WHERE status = 'open'")
    variances = count_variances(store.unit_of_work(), count_id)
    counted = [v for v in variances if v.counted]
    assert counted
    # a scan is the shelf as it was, give or take the one unit a counter gets wrong
    assert all(abs(v.counted - v.expected) <= 1 for v in counted)
