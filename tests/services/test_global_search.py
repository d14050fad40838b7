"""Global search finds SKUs, barcodes, order numbers and customers from one box."""

from __future__ import annotations

from sqlalchemy import text

from services.search import global_search
from tests import factories


def test_an_exact_sku_a_barcode_an_order_number_and_a_customer_are_found(store) -> None:
    variant_ids = factories.product(store, skus=("TEE-RED-M", "TEE-RED-L"), title="Red tee")
    with store.session_factory.begin() as session:
        barcode = session.execute(
            text("SELECT code FROM barcodes WHERE variant_id = :v"), {"v": variant_ids[1]}
        ).scalar_one()
        order_number = session.execute(
            text(
                "INSERT INTO orders (currency, email) VALUES ('USD', 'ann@example.com') "
                "RETURNING number"
            )
        ).scalar_one()
        session.execute(
            text(
                "INSERT INTO customers (first_name, last_name, email) "
                "VALUES ('Ann', 'Lovelace', 'ann@example.com')"
            )
        )
    by_sku = global_search(store.unit_of_work(), "TEE-RED-M")
    assert (by_sku[0].kind, by_sku[0].id) == ("variant", variant_ids[0])
    assert "Red tee" in by_sku[0].detail
    by_prefix = global_search(store.unit_of_work(), "TEE-RED")
    assert {h.id for h in by_prefix if h.kind == "variant"} == set(variant_ids)
    by_barcode = global_search(store.unit_of_work(), barcode)
    assert (by_barcode[0].kind, by_barcode[0].id) == ("variant", variant_ids[1])
    by_number = global_search(store.unit_of_work(), f"#{order_number}")
    assert by_number[0].kind == "order" and by_number[0].title == f"Order #{order_number}"
    by_name = global_search(store.unit_of_work(), "lovel")
    assert [h.title for h in by_name if h.kind == "customer"] == ["Ann Lovelace"]
    assert global_search(store.unit_of_work(), "  ") == []
