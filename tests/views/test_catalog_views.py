"""The Catalog screen driven as a merchandiser would: search, open, add a variant, save, see
it; a bulk price change previewed, applied and reverted; a product file checked and imported;
two people editing one product."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from services.catalog.products import OptionDraft, ProductDraft, VariantDraft, save_product
from services.catalog.queries import get_product
from services.imports.records import Choice, IssueKind, Outcome
from tests.views.driving import idle, no_message_boxes
from views.catalog import CatalogPage
from views.catalog.bulk_edit import BulkEditDialog, BulkHistoryDialog
from views.catalog.import_dialog import ImportDialog
from views.catalog.product_editor import ProductEditorDialog

__all__ = ["no_message_boxes"]  # the fixture, used by pytestmark
pytestmark = pytest.mark.usefixtures("no_message_boxes")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _shirt(store, actor, title: str = "Linen Shirt", prefix: str = "LIN") -> int:
    draft = ProductDraft(
        title=title,
        vendor="Acme",
        status="active",
        options=(OptionDraft("Size", ("S", "M")),),
        variants=(
            VariantDraft(sku=f"{prefix}-S", options=("S", None, None), price=4500),
            VariantDraft(sku=f"{prefix}-M", options=("M", None, None), price=4500),
        ),
    )
    return save_product(store.unit_of_work(), actor, draft).product.id


def _page(context_for, qtbot, role: str = "merchandiser") -> CatalogPage:
    page = CatalogPage(context_for(role))
    qtbot.addWidget(page)
    page.resize(1300, 720)
    page.show()
    page.on_shown()
    return page


def test_a_merchandiser_searches_opens_a_product_adds_a_variant_and_sees_it_in_the_list(
    store, staff, context_for, qtbot, qtmodeltester
) -> None:
    _shirt(store, staff["admin"])
    _shirt(store, staff["admin"], "Wool Scarf", "SCARF")
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10_000)
    qtmodeltester.check(page.model)

    qtbot.keyClicks(page.search, "linen")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    assert {page.model.row(r).sku for r in range(2)} == {"LIN-S", "LIN-M"}
    idle(page)
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(page.dialog, ProductEditorDialog), timeout=5_000)
    editor = page.dialog
    qtbot.waitUntil(lambda: editor.detail is not None, timeout=10_000)
    assert editor.title.text() == "Linen Shirt"
    assert editor.grid.rowCount() == 2
    editor.grab().save("/tmp/catalog-editor-product.png")

    editor.tabs.setCurrentIndex(1)
    qtbot.keyClicks(editor.new_value[0], "L")
    qtbot.keyClick(editor.new_value[0], Qt.Key.Key_Return)
    assert editor.grid.rowCount() == 3  # the missing combination, generated
    assert editor.grid.item(2, 0).text() == "L"
    editor.grid.item(2, 1).setText("LIN-L")
    editor.grid.item(2, 3).setText("49.99")
    idle(page)
    editor.grab().save("/tmp/catalog-editor.png")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=10_000)

    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    added = next(page.model.row(r) for r in range(3) if page.model.row(r).sku == "LIN-L")
    assert (added.variant_title, added.price) == ("L", 4999)
    idle(page)
    page.grab().save("/tmp/catalog-page.png")


def test_a_second_editor_sees_what_changed_and_reloads(store, staff, context_for, qtbot) -> None:
    product_id = _shirt(store, staff["admin"])
    page = _page(context_for, qtbot)
    page.open_product(product_id)
    editor = page.dialog
    assert isinstance(editor, ProductEditorDialog)
    qtbot.waitUntil(lambda: editor.detail is not None, timeout=10_000)
    idle(page)

    # meanwhile, on another workstation, a manager renames the product
    other = ProductDraft.from_detail(get_product(store.unit_of_work(), product_id))
    save_product(store.unit_of_work(), staff["manager"], replace(other, title="Linen Shirt II"))

    editor.vendor.setText("Someone Else")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.conflict_box is not None, timeout=10_000)
    box = editor.conflict_box
    assert "changed by Manager Tester" in box.text()
    assert "title: “Linen Shirt” → “Linen Shirt II”" in box.text()
    box.grab().save("/tmp/catalog-conflict.png")
    reload = next(b for b in box.buttons() if b.text() == "Reload")
    reload.click()
    qtbot.waitUntil(lambda: editor.title.text() == "Linen Shirt II", timeout=10_000)
    assert editor.vendor.text() == "Acme"
    idle(page)
    assert get_product(store.unit_of_work(), product_id).vendor == "Acme"


def test_a_bulk_price_change_is_previewed_applied_and_reverted(
    store, staff, context_for, qtbot, qtmodeltester
) -> None:
    _shirt(store, staff["admin"])
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    idle(page)
    page.open_bulk_edit()  # nothing selected: every variant the filter matches
    dialog = page.dialog
    assert isinstance(dialog, BulkEditDialog)
    dialog.price.adjustment.setCurrentIndex(dialog.price.adjustment.findText("Raise by %"))
    dialog.price.value.setText("10")
    dialog.price.rounding.setCurrentIndex(dialog.price.rounding.findText("End in .99"))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(dialog.model)
    assert dialog.model.index(0, 3).data() == "Price $45.00"
    assert dialog.model.index(0, 4).data() == "Price $49.99"
    assert "2 variants of 1 product selected; 2 will change" in dialog.summary.text()
    dialog.grab().save("/tmp/catalog-bulk.png")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=10_000)
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 2 and page.model.row(0).price == 4999, timeout=10_000
    )
    idle(page)

    page.open_history()
    history = page.dialog
    assert isinstance(history, BulkHistoryDialog)
    qtbot.waitUntil(lambda: history.table.rowCount() == 1, timeout=10_000)
    history.table.selectRow(0)
    history.grab().save("/tmp/catalog-history.png")
    history.revert(confirm=False)
    qtbot.waitUntil(lambda: "Reverted 2 variants" in history.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.row(0).price == 4500)
    idle(page)


def test_a_product_file_is_checked_decided_and_imported(
    store, staff, context_for, qtbot, qtmodeltester, tmp_path
) -> None:
    messy = tmp_path / "messy.csv"
    messy.write_text(
        "Handle,Title,Variant SKU,Variant Price,Variant Barcode,Variant Inventory Qty\n"
        "mug,Mug,MUG-1,12.50,4006381333931,5\n"
        "bowl,Bowl,MUG-1,9.00,7.84E+11,-2\n"
    )
    page = _page(context_for, qtbot)
    idle(page)
    page.open_import()
    dialog = page.dialog
    assert isinstance(dialog, ImportDialog)
    dialog.set_file(messy)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    qtmodeltester.check(dialog.model)
    assert [r.outcome for r in dialog.plan.rows] == [Outcome.CREATE, Outcome.REJECT]
    assert not dialog.import_button.isEnabled()
    assert set(dialog.decisions) >= {
        IssueKind.DUPLICATE_SKU,
        IssueKind.MANGLED_BARCODE,
        IssueKind.NEGATIVE_STOCK,
    }
    qtbot.wait(50)  # let the layout take the summary and the decisions in
    dialog.grab().save("/tmp/catalog-import-rejected.png")
    for kind, choice in (
        (IssueKind.DUPLICATE_SKU, Choice.CLEAR_SKU),
        (IssueKind.MANGLED_BARCODE, Choice.DROP_BARCODE),
        (IssueKind.NEGATIVE_STOCK, Choice.STOCK_AS_ZERO),
    ):
        dialog.decide(kind, choice)
        idle(page)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    assert "Ready to import" in dialog.summary.text()
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "2 new and 0 changed products" in dialog.summary.text()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    idle(page)
    with store.session_factory() as session:
        skus = session.execute(text("SELECT sku FROM variants ORDER BY id")).scalars()
    assert list(skus) == ["MUG-1", None]


def test_the_2025_shopify_template_imports_from_the_dialog(
    store, staff, context_for, qtbot
) -> None:
    page = _page(context_for, qtbot)
    idle(page)
    page.open_import()
    dialog = page.dialog
    dialog.set_file(FIXTURES / "shopify" / "product_template_2025.csv")
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    dialog.resize(1200, 700)
    qtbot.wait(50)
    dialog.grab().save("/tmp/catalog-import.png")
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 15, timeout=10_000)
    idle(page)


def test_collections_are_created_and_deleted_from_the_catalog(
    store, staff, context_for, qtbot
) -> None:
    from views.catalog.collections_dialog import CollectionsDialog

    page = _page(context_for, qtbot)
    idle(page)
    page.open_collections()
    dialog = page.dialog
    assert isinstance(dialog, CollectionsDialog)
    dialog.create("Summer Sale")
    qtbot.waitUntil(
        lambda: dialog.list.count() == 1 and "Summer Sale" in dialog.list.item(0).text(),
        timeout=10_000,
    )
    assert "/summer-sale" in dialog.list.item(0).text()
    qtbot.waitUntil(lambda: page.collection_filter.count() == 2, timeout=10_000)
    dialog.list.setCurrentRow(0)
    dialog.delete(confirm=False)
    qtbot.waitUntil(lambda: dialog.list.item(0).text() == "No collections yet.", timeout=10_000)
    idle(page)
