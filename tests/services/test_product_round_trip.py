"""A Shopify file through our catalog and out again loses nothing: columns we do not model,
weights with their decimals and unit, which variants Shopify counts, codes with leading
zeros."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text

from services.exports.products import HeaderStyle, export_products_csv
from services.imports.products import import_products, plan_product_import
from services.imports.records import Outcome

HEADER = (
    "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Grams,"
    "Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Price,"
    "Variant Barcode,Gift Card,Variant Weight Unit,Product Category,"
    "Color (product.metafields.shopify.color-pattern),Price / United States,"
    "Included / International,Unit Price Total Measure,Option1 Linked To\n"
)
ROWS = (
    "tee,Tee,Size,S,TEE-S,4.1,shopify,5,deny,20.00,0012345678905,FALSE,g,"
    "Apparel > Shirts,red; blue,22.00,TRUE,100,shopify.size\n"
    "tee,,,M,TEE-M,226.796185,shopify,3,deny,20.00,,FALSE,oz,,,23.00,FALSE,,\n"
    "gift-card,Gift card,Title,Default Title,,0,,7,deny,50.00,,TRUE,kg,,,,,,\n"
)


def _import(store, actor, data: bytes, **kw):
    return import_products(store.unit_of_work(), actor, data, **kw)


def test_an_export_gives_back_what_we_do_not_model(store, staff) -> None:
    data = (HEADER + ROWS).encode()
    plan = plan_product_import(store.unit_of_work(), data)
    assert plan.can_apply and plan.not_imported_columns == ()
    _import(store, staff["manager"], data)

    out = io.StringIO()
    export_products_csv(store.unit_of_work(), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    tee_s, tee_m, gift = rows
    assert tee_s["Color (product.metafields.shopify.color-pattern)"] == "red; blue"
    assert tee_s["Product Category"] == "Apparel > Shirts"
    assert (tee_s["Price / United States"], tee_m["Price / United States"]) == ("22.00", "23.00")
    assert (tee_s["Included / International"], tee_m["Included / International"]) == (
        "TRUE",
        "FALSE",
    )
    assert tee_s["Option1 Linked To"] == "shopify.size"
    assert (tee_s["Variant Grams"], tee_s["Variant Weight Unit"]) == ("4.1", "g")
    assert (tee_m["Variant Grams"], tee_m["Variant Weight Unit"]) == ("226.796", "oz")
    assert tee_s["Variant Barcode"] == "'0012345678905"
    assert (tee_s["Variant Inventory Tracker"], tee_s["Variant Inventory Qty"]) == ("shopify", "5")
    assert (gift["Variant Inventory Tracker"], gift["Variant Inventory Qty"]) == ("", "")
    assert gift["Gift Card"] == "TRUE"

    again = plan_product_import(store.unit_of_work(), out.getvalue().encode())
    assert {r.outcome for r in again.rows} == {Outcome.UNCHANGED}


def test_an_untracked_variant_has_no_stock_and_the_dry_run_says_why(store, staff) -> None:
    data = (HEADER + ROWS).encode()
    plan = plan_product_import(store.unit_of_work(), data)
    gift = next(r for r in plan.rows if r.handle == "gift-card")
    assert any(
        "Inventory tracker is blank" in i.message and "quantity 7 is not kept" in i.message
        for i in gift.issues
    )
    _import(store, staff["manager"], data)
    with store.session_factory() as session:
        tracked = dict(
            session.execute(
                text(
                    "SELECT p.handle || coalesce(':' || v.sku, ''), v.track_stock FROM variants v "
                    "JOIN products p ON p.id = v.product_id"
                )
            ).all()
        )
        levels = session.execute(
            text(
                "SELECT count(*) FROM inventory_levels l JOIN variants v ON v.id = l.variant_id "
                "WHERE NOT v.track_stock"
            )
        ).scalar()
    assert tracked == {"tee:TEE-S": True, "tee:TEE-M": True, "gift-card": False}
    assert levels == 0


def test_the_2025_layout_round_trips_too(store, staff, committed_store, committed_staff) -> None:
    _import(store, staff["manager"], (HEADER + ROWS).encode())
    first = io.StringIO()
    export_products_csv(store.unit_of_work(), first, style=HeaderStyle.CURRENT)
    _import(committed_store, committed_staff["admin"], first.getvalue().encode())
    second = io.StringIO()
    export_products_csv(committed_store.unit_of_work(), second, style=HeaderStyle.CURRENT)
    assert second.getvalue() == first.getvalue()
