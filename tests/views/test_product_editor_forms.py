"""The product editor as a person meets it: a double-click opens one editor; closing over
unsaved edits asks; a fourth option and a shared barcode are said on the spot; a conflict after
someone's bulk edit names them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from services.catalog.bulk import BulkEdit, Selection, apply_bulk_edit
from services.catalog.products import OptionDraft, ProductDraft, VariantDraft, save_product
from services.catalog.queries import get_product
from services.catalog.rules import Adjustment, AmountChange
from tests.views.driving import answer_unsaved, double_click, idle, no_message_boxes
from tests.views.test_catalog_views import _page
from views.catalog.bulk_edit import BulkEditDialog
from views.catalog.product_editor import ProductEditorDialog

pytestmark = pytest.mark.usefixtures("no_message_boxes")
__all__ = ["no_message_boxes"]


def _shirt(store, actor, *, options: int = 1, title: str = "Linen Shirt") -> int:
    names = (("Size", "S"), ("Colour", "Blue"), ("Fabric", "Linen"))[:options]
    values = tuple(v for _, v in names) + (None,) * (3 - options)
    draft = ProductDraft(
        title=title,
        vendor="Acme",
        status="active",
        options=tuple(OptionDraft(n, (v,)) for n, v in names),
        variants=(VariantDraft(sku=f"{title[:3].upper()}-1", options=values, price=4500),),
    )
    return save_product(store.unit_of_work(), actor, draft).product.id


def _editors() -> list[ProductEditorDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, ProductEditorDialog) and w.isVisible()
    ]


def _open_editor(page, qtbot, product_id: int) -> ProductEditorDialog:
    page.open_product(product_id)
    editor = page.dialog
    assert isinstance(editor, ProductEditorDialog)
    qtbot.waitUntil(lambda: editor.detail is not None, timeout=10_000)
    idle(page)
    return editor


def test_a_double_click_on_a_product_opens_one_editor_and_again_brings_it_forward(
    store, staff, context_for, qtbot
) -> None:
    _shirt(store, staff["admin"])
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    idle(page)
    double_click(qtbot, page.table, 0)
    qtbot.waitUntil(lambda: len(_editors()) >= 1, timeout=5_000)
    idle(page)
    [editor] = _editors()
    double_click(qtbot, page.table, 0)
    idle(page)
    assert _editors() == [editor]
    assert page.dialog is editor

    editor.close()  # nothing changed: it closes without asking
    qtbot.waitUntil(lambda: not _editors())
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # and the product opens again
    qtbot.waitUntil(lambda: len(_editors()) == 1, timeout=5_000)


def test_esc_over_unsaved_edits_asks_keep_editing_keeps_them_discard_drops_them(
    store, staff, context_for, qtbot
) -> None:
    product_id = _shirt(store, staff["admin"])
    page = _page(context_for, qtbot)
    editor = _open_editor(page, qtbot, product_id)
    assert not editor.has_changes()

    editor.title.setFocus()
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "Linen Shirt Relaxed")
    qtbot.keyClick(editor.title, Qt.Key.Key_Escape)
    answer_unsaved(qtbot, editor, "Keep editing")
    assert editor.isVisible()
    assert editor.title.text() == "Linen Shirt Relaxed"

    qtbot.keyClick(editor.title, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.unsaved_box is not None)
    box = editor.unsaved_box
    assert "has changes that are not saved" in box.text()
    assert {b.text() for b in box.buttons() if b.isVisible()} == {"Save", "Discard", "Keep editing"}
    box.grab().save("/tmp/editors-forms-unsaved.png")
    answer_unsaved(qtbot, editor, "Discard")
    qtbot.waitUntil(lambda: not _editors())
    idle(page)
    assert get_product(store.unit_of_work(), product_id).title == "Linen Shirt"


def test_closing_over_unsaved_edits_can_save_them_first(store, staff, context_for, qtbot) -> None:
    product_id = _shirt(store, staff["admin"])
    page = _page(context_for, qtbot)
    editor = _open_editor(page, qtbot, product_id)
    qtbot.keyClicks(editor.vendor, " & Sons")
    close = editor.buttons.button(editor.buttons.StandardButton.Close)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    answer_unsaved(qtbot, editor, "Save")
    qtbot.waitUntil(lambda: not _editors(), timeout=10_000)
    idle(page)
    assert get_product(store.unit_of_work(), product_id).vendor == "Acme & Sons"


def test_a_fourth_option_is_refused_on_the_options_with_the_grid_kept(
    store, staff, context_for, qtbot
) -> None:
    product_id = _shirt(store, staff["admin"], options=3)
    page = _page(context_for, qtbot)
    editor = _open_editor(page, qtbot, product_id)
    editor.tabs.setCurrentIndex(1)
    editor.grid.item(0, 3).setText("LIN-SBL")  # the SKU: an edit the refusal must not lose
    qtbot.mouseClick(editor.add_option_button, Qt.MouseButton.LeftButton)
    assert editor.field_message("options") == "A product has at most three options."
    assert editor.isVisible() and editor.grid.item(0, 3).text() == "LIN-SBL"
    editor.grab().save("/tmp/editors-forms-fourth-option.png")


def test_a_free_option_row_takes_the_new_option(store, staff, context_for, qtbot) -> None:
    product_id = _shirt(store, staff["admin"], options=1)
    page = _page(context_for, qtbot)
    editor = _open_editor(page, qtbot, product_id)
    qtbot.mouseClick(editor.add_option_button, Qt.MouseButton.LeftButton)
    assert editor.option_names[1].hasFocus()
    assert editor.field_message("options") == ""


def test_a_barcode_already_on_another_product_is_named_and_may_still_be_saved(
    store, staff, context_for, qtbot
) -> None:
    scarf = _shirt(store, staff["admin"], title="Wool Scarf")
    detail = get_product(store.unit_of_work(), scarf)
    draft = ProductDraft.from_detail(detail)
    save_product(
        store.unit_of_work(),
        staff["admin"],
        replace(draft, variants=(replace(draft.variants[0], barcodes=("4006381333931",)),)),
    )
    product_id = _shirt(store, staff["admin"])
    page = _page(context_for, qtbot)
    editor = _open_editor(page, qtbot, product_id)
    editor.tabs.setCurrentIndex(1)
    editor.grid.item(0, 2).setText("4006381333931")  # Size | SKU | Barcodes
    expected = "barcode 4006381333931 is already on “Wool Scarf” (S), SKU WOO-1"
    qtbot.waitUntil(lambda: expected in editor.findings.text(), timeout=10_000)
    editor.grab().save("/tmp/editors-forms-barcode.png")
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not _editors(), timeout=10_000)
    assert editor.warnings_box is not None and expected in editor.warnings_box.text()
    idle(page)
    stored = get_product(store.unit_of_work(), product_id)
    assert stored.variants[0].barcodes == ("4006381333931",)


def test_a_conflict_after_a_bulk_edit_names_who_made_it(store, staff, context_for, qtbot) -> None:
    product_id = _shirt(store, staff["admin"])
    page = _page(context_for, qtbot)
    editor = _open_editor(page, qtbot, product_id)
    variant = editor.detail.variants[0].id
    apply_bulk_edit(  # meanwhile, at another desk
        store.unit_of_work(),
        staff["manager"],
        Selection(variant_ids=(variant,)),
        BulkEdit(price=AmountChange(Adjustment.SET, 3900)),
    )
    qtbot.keyClicks(editor.vendor, " Ltd")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.conflict_box is not None, timeout=10_000)
    text = editor.conflict_box.text()
    assert "was changed by Manager Tester at " in text
    assert "LIN-1 price: $45.00 → $39.00" in text
    assert editor.vendor.text() == "Acme Ltd"  # the edit is still there to keep or reload


def test_a_negative_bulk_price_is_refused_on_the_price_and_the_dialog_keeps_it(
    store, staff, context_for, qtbot
) -> None:
    _shirt(store, staff["admin"])
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    idle(page)
    page.open_bulk_edit()
    dialog = page.dialog
    assert isinstance(dialog, BulkEditDialog)
    dialog.price.adjustment.setCurrentIndex(dialog.price.adjustment.findText("Set to"))
    qtbot.keyClicks(dialog.price.value, "-5")
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.field_message("price") != "", timeout=10_000)
    idle(page)
    assert dialog.field_message("price") == "A price cannot be set below zero."
    assert dialog.isVisible() and dialog.price.value.text() == "-5"
    assert not dialog.apply_button.isEnabled()
    dialog.grab().save("/tmp/editors-forms-bulk.png")

    dialog.price.value.selectAll()
    qtbot.keyClicks(dialog.price.value, "39")  # typing again clears the message
    assert dialog.field_message("price") == ""
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=10_000)
    idle(page)
    assert page.model.row(0).price == 3900


def test_a_collection_title_already_taken_is_refused_on_the_title_and_kept(
    store, staff, context_for, qtbot
) -> None:
    from views.catalog.collections_dialog import CollectionsDialog, CollectionTitleDialog

    page = _page(context_for, qtbot)
    idle(page)
    page.open_collections()
    collections = page.dialog
    assert isinstance(collections, CollectionsDialog)
    collections.create("Summer Sale")
    qtbot.waitUntil(
        lambda: collections.list.count() == 1 and "Summer" in collections.list.item(0).text(),
        timeout=10_000,
    )
    qtbot.mouseClick(collections.new_button, Qt.MouseButton.LeftButton)
    dialog = collections.title_dialog
    assert isinstance(dialog, CollectionTitleDialog)
    qtbot.keyClicks(dialog.title, "Summer  sale")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    idle(page)
    assert dialog.isVisible() and dialog.title.text() == "Summer  sale"
    assert dialog.field_message("title") == (
        "The handle “summer-sale” is already used by another collection."
    )
    qtbot.keyClicks(dialog.title, "Autumn")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: collections.list.count() == 2, timeout=10_000)
    idle(page)
