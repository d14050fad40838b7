"""Taking an order by hand: customer picked or created, catalog prices, stock reserved."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.customers import AddressRow, NewCustomer, create_customer, search_customers
from services.errors import InsufficientStock, PermissionDenied, ValidationFailed
from services.orders import (
    DraftLine,
    OrderDraft,
    create_order,
    find_sellable,
    get_order_detail,
)
from tests import orders_support as support

ADDRESS = AddressRow(
    None, "Sam Rivera", None, "1 Main St", None, "Springfield", "IL", "62701", "US"
)


def test_an_order_for_a_new_customer_reserves_stock_at_catalog_prices(store, staff) -> None:
    shop = support.shop(store, staff["admin"], skus=("TEE", "MUG"), price=1250)
    created = create_order(
        store.unit_of_work(),
        staff["manager"],
        OrderDraft(
            lines=[DraftLine(shop.variants[0], 2), DraftLine(shop.variants[1], 1, unit_price=999)],
            new_customer=NewCustomer("Sam", "Rivera", "Sam@Example.com", "555-0100", ADDRESS),
            channel="phone",
            location_id=shop.location_id,
            shipping_total=500,
            discount=249,
            tax_rate_bp=1000,
        ),
    )
    detail = get_order_detail(store.unit_of_work(), created.id)
    assert detail.customer is not None and detail.customer.name == "Sam Rivera"
    assert detail.email == "sam@example.com"
    assert detail.shipping_address["city"] == "Springfield"
    assert [(ln.sku, ln.quantity, ln.unit_price) for ln in detail.lines] == [
        ("TEE", 2, 1250),
        ("MUG", 1, 999),
    ]
    t = detail.totals
    assert (t.subtotal, t.discount_total, t.shipping_total) == (3499, 249, 500)
    assert t.tax_total == 325  # 10 % of 3,250 after the discount
    assert t.total == 3499 - 249 + 500 + 325 == created.total
    assert detail.status == "pending" and detail.payment_status == "pending"
    assert support.level(store, shop.variants[0], shop.location_id)["committed"] == 2
    overrides = detail.timeline[0].data["price_overrides"]
    assert overrides == [{"sku": "MUG", "catalog": 1250, "charged": 999}]


def test_a_short_line_saves_nothing_and_names_every_short_sku(store, staff) -> None:
    shop = support.shop(store, staff["admin"], skus=("A", "B", "C"), on_hand=1)
    with pytest.raises(InsufficientStock) as short:
        create_order(
            store.unit_of_work(),
            staff["manager"],
            OrderDraft(
                lines=[DraftLine(v, q) for v, q in zip(shop.variants, (1, 2, 3), strict=True)],
                new_customer=NewCustomer("New", "Person", "new@example.com"),
                location_id=shop.location_id,
            ),
        )
    assert {s.sku for s in short.value.shortages} == {"B", "C"}
    with store.unit_of_work() as uow:
        assert uow.execute(text("SELECT count(*) FROM orders")).scalar_one() == 0
        assert uow.execute(text("SELECT count(*) FROM customers")).scalar_one() == 0
    assert support.level(store, shop.variants[0], shop.location_id)["committed"] == 0


def test_a_draft_without_lines_or_with_a_bad_quantity_is_refused(store, staff) -> None:
    shop = support.shop(store, staff["admin"])
    with pytest.raises(ValidationFailed) as refused:
        create_order(store.unit_of_work(), staff["manager"], OrderDraft(lines=[]))
    assert "at least one line" in str(refused.value)
    with pytest.raises(ValidationFailed):
        create_order(
            store.unit_of_work(),
            staff["manager"],
            OrderDraft(lines=[DraftLine(shop.variants[0], 0)], location_id=shop.location_id),
        )


def test_warehouse_staff_may_not_take_orders(store, staff) -> None:
    shop = support.shop(store, staff["admin"])
    with pytest.raises(PermissionDenied):
        create_order(
            store.unit_of_work(),
            staff["warehouse"],
            OrderDraft(lines=[DraftLine(shop.variants[0], 1)], location_id=shop.location_id),
        )


def test_customers_are_found_by_name_or_email_and_not_created_twice(store, staff) -> None:
    create_customer(
        store.unit_of_work(),
        staff["manager"],
        NewCustomer("Ada", "Lovelace", "ada@example.com", address=ADDRESS),
    )
    create_customer(store.unit_of_work(), staff["manager"], NewCustomer("Alan", "Turing"))
    assert [c.name for c in search_customers(store.unit_of_work(), "lovel")] == ["Ada Lovelace"]
    found = search_customers(store.unit_of_work(), "ada@example.com")
    assert found[0].default_address.city == "Springfield"
    with pytest.raises(ValidationFailed) as twice:
        create_customer(
            store.unit_of_work(), staff["manager"], NewCustomer("Ada", "L", "ADA@example.com")
        )
    assert "already exists" in str(twice.value)


def test_lines_are_found_by_scanning_a_barcode_or_typing_part_of_a_sku(store, staff) -> None:
    shop = support.shop(store, staff["admin"], skus=("HAT-RED", "HAT-BLUE", "SCARF"), on_hand=4)
    by_sku = find_sellable(store.unit_of_work(), "hat", location_id=shop.location_id)
    assert sorted(v.sku for v in by_sku) == ["HAT-BLUE", "HAT-RED"]
    with store.unit_of_work() as uow:
        code = uow.execute(
            text("SELECT code FROM barcodes WHERE variant_id = :v"), {"v": shop.variants[2]}
        ).scalar_one()
    [scanned] = find_sellable(store.unit_of_work(), code, location_id=shop.location_id)
    assert (scanned.sku, scanned.available, scanned.bin_code) == ("SCARF", 4, "A-03")
