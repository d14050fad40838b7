"""Pick lists from real orders, read back from the PDF: walk order, quantities, barcodes."""

from __future__ import annotations

import re

import pytest

from models.status import OrderStatus
from services.documents import render_pick_list
from services.errors import NotFound, ValidationFailed
from services.orders import fulfil_order, get_order_detail
from services.orders.picking import build_pick_list, pick_list_order_ids
from tests import orders_support as support
from tests.documents_support import decode_barcodes, page_texts, render_page, save_artifact


@pytest.fixture
def batch(store, staff):
    """Three paid orders at one location whose SKUs sit in bins out of alphabetical order,
    plus an unpaid order that "all paid and unfulfilled" must leave out."""
    manager = staff["manager"]
    shop = support.shop(
        store,
        staff["admin"],
        skus=("ZED-1", "ALPHA-2", "MID-3"),
        bins=("C-01", "A-01", "B-02"),
        on_hand=20,
        location_code="MAIN",
    )
    quantities = [(2, 1, 0), (0, 3, 1), (1, 0, 4)]
    orders = []
    for qty in quantities:
        order_id = support.place(store, manager, shop, qty)
        support.pay(
            store, manager, order_id, get_order_detail(store.unit_of_work(), order_id).totals.total
        )
        orders.append(order_id)
    unpaid = support.place(store, manager, shop, (1, 1, 1))
    numbers = [get_order_detail(store.unit_of_work(), o).number for o in orders]
    return shop, orders, numbers, unpaid


def test_all_paid_and_unfulfilled_at_a_location_picks_those_orders_only(store, batch) -> None:
    shop, orders, _, unpaid = batch
    ids = pick_list_order_ids(
        store.unit_of_work(), location_id=shop.location_id, paid_unfulfilled=True
    )
    assert ids == orders and unpaid not in ids
    with pytest.raises(NotFound) as missing:
        pick_list_order_ids(store.unit_of_work(), numbers=[999999])
    assert "#999999" in str(missing.value)


def test_the_pick_list_reads_back_in_bin_order_with_totals_splits_and_barcodes(
    store, staff, batch
) -> None:
    _, orders, numbers, _ = batch
    pick = build_pick_list(store.unit_of_work(), orders, picker="Sam Picker")
    pdf = render_pick_list(pick)
    [text] = page_texts(pdf)
    assert f"Batch {pick.batch}" in text and "Picker Sam Picker" in text
    assert "3 orders" in text and "12 units" in text and "Page 1 of 1" in text
    assert "Location Location MAIN (MAIN)" in text  # the location's name, then its code
    # one walk: bins A-01, B-02, C-01, whatever the SKUs' names or the orders' sequence
    positions = [text.index(sku) for sku in ("ALPHA-2", "MID-3", "ZED-1")]
    assert positions == sorted(positions)
    rows = re.findall(r"(A-01|B-02|C-01)\s+(\S+)\s+.*?\s(\d+)\s+(T\d.*)", text)
    by_bin = {bin_: (sku, int(qty), split) for bin_, sku, qty, split in rows}
    a, b, c = numbers
    assert by_bin["A-01"][:2] == ("ALPHA-2", 4)
    assert by_bin["A-01"][2].split("   ") == [f"T1 #{a} ×1", f"T2 #{b} ×3"]
    assert by_bin["B-02"][:2] == ("MID-3", 5)
    assert by_bin["B-02"][2].split("   ") == [f"T2 #{b} ×1", f"T3 #{c} ×4"]
    assert by_bin["C-01"][:2] == ("ZED-1", 3)
    image = render_page(pdf, dpi=300)
    save_artifact(image, "pick-list-page-1.png")
    decoded = decode_barcodes(image)
    assert all(fmt == "Code128" or fmt == "Code 128" for fmt, _ in decoded)
    assert {value for _, value in decoded} == {"ALPHA-2", "MID-3", "ZED-1", *map(str, numbers)}


def test_shipped_quantities_are_not_picked_again(store, staff, batch) -> None:
    _, orders, numbers, _ = batch
    support.advance(store, staff["manager"], orders[1], OrderStatus.PROCESSING)
    lines = get_order_detail(store.unit_of_work(), orders[1]).lines
    fulfil_order(store.unit_of_work(), staff["warehouse"], orders[1], quantities={lines[0].id: 2})
    pick = build_pick_list(store.unit_of_work(), orders)
    alpha = next(r for r in pick.rows if r.sku == "ALPHA-2")
    assert alpha.quantity == 2
    assert [(s.order_number, s.quantity) for s in alpha.splits] == [
        (numbers[0], 1),
        (numbers[1], 1),
    ]
    with pytest.raises(ValidationFailed):
        build_pick_list(store.unit_of_work(), [])
