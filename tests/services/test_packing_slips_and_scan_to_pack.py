"""Packing slips (one page per order, the store's details, barcode) and scan to pack."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.status import OrderStatus
from services.documents import render_packing_slips
from services.errors import InvalidTransition, NotFound
from services.orders import get_order_detail
from services.orders.picking import (
    PackSession,
    build_packing_slips,
    complete_packing,
    start_packing,
)
from tests import orders_support as support
from tests.documents_support import decode_barcodes, page_texts, render_page, save_artifact


def test_each_order_gets_its_own_page_with_the_store_lines_and_barcode(store, staff) -> None:
    with store.unit_of_work() as uow:
        uow.execute(
            text(
                'UPDATE store SET phone = \'555-0100\', address = \'{"line1": "1 Market St",'
                ' "city": "Springfield", "country_code": "US"}\''
            )
        )
        uow.commit()
    shop = support.shop(store, staff["admin"], skus=("TEE", "MUG"))
    first = support.place(store, staff["manager"], shop, (2, 1))
    second = support.place(store, staff["manager"], shop, (0, 3), email="kim@example.com")
    slips = build_packing_slips(store.unit_of_work(), [second, first])
    pdf = render_packing_slips(slips)
    texts = page_texts(pdf)
    numbers = [get_order_detail(store.unit_of_work(), o).number for o in (first, second)]
    assert len(texts) == 2
    for page, number in zip(texts, numbers, strict=True):
        assert page.startswith("Test Store")
        assert "1 Market St" in page and "shop@example.com" in page and "555-0100" in page
        assert f"Order #{number}" in page
    assert "TEE" in texts[0] and "MUG" in texts[0] and "3 items" in texts[0]
    assert "TEE" not in texts[1] and "kim@example.com" in texts[1]
    for index, number in enumerate(numbers):
        image = render_page(pdf, index, dpi=300)
        assert decode_barcodes(image)[0][1] == str(number)
    save_artifact(render_page(pdf, 0, dpi=120), "packing-slip-page-1.png")


def _barcode(store, variant_id: int) -> str:
    with store.unit_of_work() as uow:
        return uow.execute(
            text("SELECT code FROM barcodes WHERE variant_id = :v"), {"v": variant_id}
        ).scalar_one()


def test_scanning_packs_the_right_items_refuses_wrong_ones_and_ships(store, staff) -> None:
    shop = support.shop(store, staff["admin"], skus=("TEE", "MUG", "CAP"))
    order_id = support.place(store, staff["manager"], shop, (2, 1))
    support.advance(store, staff["manager"], order_id, OrderStatus.CONFIRMED)
    number = get_order_detail(store.unit_of_work(), order_id).number
    packing = start_packing(store.unit_of_work(), staff["warehouse"], str(number))
    assert support.order_row(store, order_id)["status"] == "processing"
    session = PackSession(packing)
    tee, mug, cap = (_barcode(store, v) for v in shop.variants)
    wrong = session.scan(cap)
    assert not wrong.accepted and wrong.kind == "wrong_item" and "not on order" in wrong.message
    assert session.scan(tee).accepted and session.scan("TEE").accepted  # barcode or SKU
    over = session.scan(tee)
    assert not over.accepted and over.kind == "over_scan" and "already packed" in over.message
    assert not session.is_complete and session.units_left == 1
    assert session.scan(mug).accepted and session.is_complete
    result = complete_packing(
        store.unit_of_work(), staff["warehouse"], session, carrier="UPS", tracking_number="1Z42"
    )
    assert (result.status, result.fulfillment_status) == ("shipped", "fulfilled")


def test_only_orders_ready_to_pack_can_be_opened_by_scan(store, staff) -> None:
    shop = support.shop(store, staff["admin"])
    order_id = support.place(store, staff["manager"], shop, (1,))
    number = get_order_detail(store.unit_of_work(), order_id).number
    with pytest.raises(InvalidTransition) as pending:
        start_packing(store.unit_of_work(), staff["warehouse"], f"#{number}")
    assert "only confirmed orders" in str(pending.value)
    with pytest.raises(NotFound):
        start_packing(store.unit_of_work(), staff["warehouse"], "SKU-NOT-AN-ORDER")
