"""Real product files, as merchants and platforms produce them, imported end to end: every one
imports with the counts the file holds, re-imports with no change, and our export of the
imported catalog reads back as the identical catalog."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from services.exports.products import HeaderStyle, export_products_csv
from services.imports.products import import_products, plan_product_import
from services.imports.records import Outcome
from services.inventory.ledger import verify_ledger

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass(frozen=True)
class Holds:
    """What a file holds, counted by hand from the file (see the comments per file)."""

    products: int
    variants: int
    options: int
    images: int
    stock: int
    barcodes: int
    collections: int = 0


CASES = {
    # 20 products, one row each except gardening-gloves (Green, Yellow); no SKUs, no barcodes;
    # only the gloves have an option (Color); one image per row; Variant Inventory Qty sums to 65
    # but only one variant has an inventory tracker (8 units): Shopify counts none of the others
    "shopify/packt_product_data_MIT.csv": Holds(20, 21, 1, 21, 8, 0),
    # example-shirt 12 variants (Color x Size), example-pants 3 (Size) and an image-only row,
    # example-hat 1 (Default Title); 6 + 4 + 1 images; stock 0 + (20 + 15 + 10) + 50
    "shopify/product_template_2023.csv": Holds(3, 16, 3, 11, 95, 16),
    # The Band T-shirt: 12 variants (Size x Color), one image; the e-book: 3 formats, no image;
    # Inventory quantity 47 + 42 + ... + 40 = 513; 15 barcodes (the ISBN on three variants)
    "shopify/product_template_2025.csv": Holds(2, 15, 3, 1, 513, 15),
    # one product whose option is literally named "Title" (Lithograph, Small, Medium)
    "shopify/product_template_legacy_2019.csv": Holds(1, 3, 1, 1, 0, 0),
    # 2 variable products (V-neck: 3 variations, Color only - Size is "any"; Hoodie: 4, Color x
    # Logo), 14 simple and 1 external product (one variant each); 9 simple products have one
    # single-valued attribute (an option each); 22 image URLs; Stock is empty throughout;
    # categories Clothing > Tshirts / Hoodies / Accessories, Music, Decor + the grouped product
    "woocommerce/sample_products.csv": Holds(17, 22, 12, 22, 0, 0, 6),
    # the same shop in metric: T-Shirt has 3 variations (Color), Hoodie 6 (Color x Logo); 11
    # simple and 1 external; 5 simple products have one single-valued attribute; categories
    # Clothing > Tshirts / Hoodies / Accessories, Music, Donation + the Logo Collection
    "woocommerce/sample_products_classic_metric.csv": Holds(14, 21, 8, 22, 0, 0, 6),
}


def _count(store, sql: str) -> int:
    with store.session_factory() as session:
        return int(session.execute(text(sql)).scalar() or 0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_fixture_imports_with_the_counts_the_file_holds(store, staff, name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    holds = CASES[name]
    plan = plan_product_import(store.unit_of_work(), data)
    assert plan.can_apply, [r for r in plan.rows if r.outcome is Outcome.REJECT]
    assert (plan.products.create, plan.variants.create) == (holds.products, holds.variants)
    result = import_products(store.unit_of_work(), staff["merchandiser"], data, filename=name)
    assert _count(store, "SELECT count(*) FROM products") == holds.products
    assert _count(store, "SELECT count(*) FROM variants") == holds.variants
    assert _count(store, "SELECT count(*) FROM product_options") == holds.options
    assert _count(store, "SELECT count(*) FROM product_images") == holds.images
    assert _count(store, "SELECT sum(on_hand) FROM inventory_levels") == holds.stock
    assert _count(store, "SELECT count(*) FROM barcodes") == holds.barcodes
    assert _count(store, "SELECT count(*) FROM collections") == holds.collections
    # stock arrived through the ledger, with the reason "import", at the default location
    assert _count(
        store, "SELECT sum(on_hand_delta) FROM stock_movements WHERE reason = 'import'"
    ) == (holds.stock)
    if holds.stock:
        assert result.location_id == _count(
            store, "SELECT id FROM locations WHERE is_default AND name = 'Main warehouse'"
        )
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []

    again = plan_product_import(store.unit_of_work(), data)
    assert {r.outcome for r in again.rows} == {Outcome.UNCHANGED}
    assert not again.changes_anything


def test_the_2025_template_keeps_its_quirks_visible(store, staff) -> None:
    data = (FIXTURES / "shopify/product_template_2025.csv").read_bytes()
    plan = plan_product_import(store.unit_of_work(), data)
    book = {r.line: r for r in plan.rows}[14]  # the e-book's PDF variant
    messages = [i.message for i in book.issues]
    assert "Barcode: written 978-1-98765-432-1, kept as 9781987654321." in messages
    assert any("wrong check digit" in m for m in messages)
    assert plan.not_imported_columns == ()
    kept = next(n for n in plan.notes if n.startswith("Kept as they are"))
    assert "Color (product.metafields.shopify.color-pattern)" in kept
    import_products(store.unit_of_work(), staff["merchandiser"], data)
    with store.session_factory() as session:
        policies = session.execute(
            text("SELECT DISTINCT inventory_policy FROM variants ORDER BY 1")
        ).scalars()
        status = session.execute(text("SELECT DISTINCT status FROM products")).scalars()
    assert list(policies) == ["continue", "deny"]  # written DENY / CONTINUE in the file
    assert list(status) == ["active"]  # written "Active"


def test_the_2023_template_warns_about_compare_at_below_price(store) -> None:
    data = (FIXTURES / "shopify/product_template_2023.csv").read_bytes()
    plan = plan_product_import(store.unit_of_work(), data)
    pants = {r.line: r for r in plan.rows}[14]
    assert any(
        "Compare-at price $64.95 is below the price $95.00" in i.message for i in pants.issues
    )
    assert pants.outcome is Outcome.CREATE


@pytest.mark.parametrize("style", list(HeaderStyle))
def test_an_export_of_the_imported_catalog_reads_back_as_the_identical_catalog(
    store, staff, committed_store, committed_staff, style: HeaderStyle
) -> None:
    for name in (
        "shopify/packt_product_data_MIT.csv",
        "shopify/product_template_2023.csv",
        "shopify/product_template_2025.csv",
        "shopify/product_template_legacy_2019.csv",
        "woocommerce/sample_products.csv",
    ):
        import_products(store.unit_of_work(), staff["merchandiser"], (FIXTURES / name).read_bytes())
    first = io.StringIO()
    exported = export_products_csv(store.unit_of_work(), first, style=style)
    assert (exported.products, exported.variants) == (43, 77)
    data = first.getvalue().encode()

    unchanged = plan_product_import(store.unit_of_work(), data)
    assert {r.outcome for r in unchanged.rows} == {Outcome.UNCHANGED}

    # into an empty store, and out again: the same file, byte for byte
    import_products(committed_store.unit_of_work(), committed_staff["admin"], data)
    second = io.StringIO()
    export_products_csv(committed_store.unit_of_work(), second, style=style)
    assert second.getvalue() == first.getvalue()
