"""Inventory forms as a person meets them: a refused transfer stays open with the message on
the lines; closing over scanned lines or a typed correction asks; a draft, an item's
adjustment, has one dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from services.inventory.transfers import create_transfer
from tests.inventory_helpers import figures, message_boxes, settle
from tests.views.driving import answer_unsaved, idle
from tests.views.test_transfer_and_purchase_screens import places
from views.inventory import InventoryPage
from views.inventory.dialogs import AdjustDialog
from views.inventory.transfers_tab import TransferDialog

__all__ = ["message_boxes", "places"]  # fixtures: boxes never block; two places, two items


def _page(context_for, qtbot) -> InventoryPage:
    page = InventoryPage(context_for("warehouse"))
    qtbot.addWidget(page, before_close_func=settle)
    page.resize(1280, 800)
    page.show()
    page.tabs.setCurrentWidget(page.transfers)
    return page


def _new_transfer(qtbot, page, main, shop) -> TransferDialog:
    page.transfers.open_new()
    dialog = page.transfers.dialog
    assert isinstance(dialog, TransferDialog)
    qtbot.waitUntil(
        lambda: dialog.origin.location_id == main and dialog.destination.location_id == shop,
        timeout=10_000,
    )
    idle(page)
    return dialog


def test_a_transfer_with_no_lines_is_refused_on_the_lines_and_stays_open(
    context_for, qtbot, places
) -> None:
    main, shop, _ = places
    page = _page(context_for, qtbot)
    dialog = _new_transfer(qtbot, page, main, shop)
    qtbot.keyClicks(dialog.note, "For the window display")
    dialog.save()
    idle(page)
    assert dialog.isVisible()
    assert dialog.field_message("lines") == "Add at least one item to the transfer."
    assert dialog.note.text() == "For the window display"
    dialog.grab().save("/tmp/editors-forms-transfer.png")


def test_esc_over_scanned_lines_asks_and_nothing_changed_closes_at_once(
    context_for, qtbot, store, staff, places
) -> None:
    main, shop, _ = places
    page = _page(context_for, qtbot)
    dialog = _new_transfer(qtbot, page, main, shop)
    qtbot.keyClick(dialog.editor.code, Qt.Key.Key_Escape)  # nothing typed: closes
    assert not dialog.isVisible() and dialog.unsaved_box is None

    dialog = _new_transfer(qtbot, page, main, shop)
    qtbot.keyClicks(dialog.editor.code, "TRF-A")
    qtbot.keyClick(dialog.editor.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(dialog.editor.lines) == 1, timeout=10_000)
    qtbot.keyClick(dialog.editor.code, Qt.Key.Key_Escape)
    answer_unsaved(qtbot, dialog, "Keep editing")
    assert dialog.isVisible() and len(dialog.editor.lines) == 1
    qtbot.keyClick(dialog.editor.code, Qt.Key.Key_Escape)
    answer_unsaved(qtbot, dialog, "Save")
    qtbot.waitUntil(lambda: page.transfers.detail is not None, timeout=10_000)
    idle(page)
    assert not dialog.isVisible()
    assert [line.variant.sku for line in page.transfers.detail.lines] == ["TRF-A"]


def test_a_draft_has_one_editor(context_for, qtbot, store, staff, places) -> None:
    main, shop, (a, _) = places
    draft = create_transfer(
        store.unit_of_work(),
        staff["warehouse"],
        origin_location_id=main,
        destination_location_id=shop,
        lines=[(a, 1)],
    )
    page = _page(context_for, qtbot)
    tab = page.transfers
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.id == draft.id, timeout=10_000)
    idle(page)
    tab.open_edit()
    first = tab.dialog
    qtbot.keyClick(tab, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # again: Ctrl+E
    tab.open_edit()
    idle(page)
    editors = [w for w in QApplication.topLevelWidgets() if isinstance(w, TransferDialog)]
    assert [w for w in editors if w.isVisible()] == [first] and tab.dialog is first


def test_esc_over_a_typed_correction_asks_and_one_item_has_one_adjust_dialog(
    context_for, qtbot, store, places
) -> None:
    main, _, (a, _) = places
    page = InventoryPage(context_for("warehouse"))
    qtbot.addWidget(page, before_close_func=settle)
    page.resize(1280, 800)
    page.show()
    page.on_shown()
    tab = page.stock
    qtbot.waitUntil(lambda: tab.location.location_id == main, timeout=10_000)
    tab.model.set_query(search="TRF-A")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    idle(page)
    tab.table.selectRow(0)
    tab.open_adjust()
    dialog = tab.dialog
    assert isinstance(dialog, AdjustDialog)
    tab.open_adjust()  # asked again (Ctrl+J twice): the same dialog comes forward
    assert tab.dialog is dialog
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, AdjustDialog)] == [dialog]

    qtbot.keyClicks(dialog._change_spin(0), "-3")
    qtbot.keyClick(dialog._change_spin(0), Qt.Key.Key_Escape)
    answer_unsaved(qtbot, dialog, "Keep editing")
    assert dialog.isVisible() and dialog._change_spin(0).value() == -3
    qtbot.keyClick(dialog._change_spin(0), Qt.Key.Key_Escape)
    answer_unsaved(qtbot, dialog, "Discard")
    qtbot.waitUntil(
        lambda: not [w for w in QApplication.topLevelWidgets() if isinstance(w, AdjustDialog)]
    )
    idle(page)
    assert figures(store, a, main)["on_hand"] == 10
