"""Transfers and receiving, driven as a person with a scanner would: build a transfer by
scanning, ship it, receive it by scanning at the other end; receive a purchase order by
scanning and see the cost updated."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from services.inventory.purchasing import (
    PurchaseLineInput,
    create_purchase_order,
    create_supplier,
    place_purchase_order,
)
from services.inventory.transfers import create_transfer, ship_transfer
from tests import factories
from tests.inventory_helpers import figures, message_boxes, settle, stock
from tests.views.scanning import Keyboard, scanner_types
from views.inventory import InventoryPage
from views.inventory.transfers_tab import TransferDialog
from views.widgets.keys import ConfirmDialog

__all__ = ["message_boxes"]  # an autouse fixture: message boxes never block


@pytest.fixture
def places(store, staff):
    main = factories.location(store, "MAIN", is_default=True)
    shop = factories.location(store, "SHOP")
    variants = factories.product(store, skus=("TRF-A", "TRF-B"))
    for variant in variants:
        stock(store, staff, variant, main, 10)
    return main, shop, variants


MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _page(context_for, qtbot, role="warehouse") -> InventoryPage:
    page = InventoryPage(context_for(role))
    qtbot.addWidget(page, before_close_func=settle)
    page.resize(1280, 800)
    page.show()
    page.activateWindow()
    return page


def _settle(page) -> None:
    for _ in range(20):
        page.context.tasks.wait_for_idle()
        if not page.context.tasks.running:
            return


def _purchase_order(
    store, staff, supplier_id: int, place: int, variant: int, quantity: int, cost: int
):
    """A draft purchase order of one line, made by the warehouse."""
    return create_purchase_order(
        store.unit_of_work(),
        staff["warehouse"],
        supplier_id=supplier_id,
        location_id=place,
        lines=[PurchaseLineInput(variant, quantity, cost)],
    )


def _scan(qtbot, tab, code: str) -> None:
    """A USB scanner's burst into whatever has the focus on ``tab``."""
    Keyboard(qtbot, tab.scanner).scan(tab.lines, code)


def test_a_transfer_is_drafted_shipped_and_received_by_scanning(
    context_for, qtbot, store, places
) -> None:
    main, shop, (a, b) = places
    page = _page(context_for, qtbot)
    page.tabs.setCurrentWidget(page.transfers)
    tab = page.transfers
    tab.open_new()
    dialog = tab.dialog
    assert isinstance(dialog, TransferDialog)
    qtbot.waitUntil(
        lambda: dialog.origin.location_id == main and dialog.destination.location_id == shop,
        timeout=10_000,
    )
    scanner_types(dialog.editor.code, "TRF-A")  # the scanner's Enter adds the line, no more
    qtbot.waitUntil(lambda: len(dialog.editor.lines) == 1, timeout=10_000)
    _settle(page)
    assert dialog.isVisible() and dialog.result_detail is None and not dialog.message.text()
    dialog.editor.add_code("TRF-A")  # the same item again: one more
    qtbot.waitUntil(lambda: dialog.editor.lines[0].quantity == 2, timeout=10_000)
    dialog.save()
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.status == "draft", timeout=10_000)
    _scan(qtbot, tab, "TRF-B")  # scanning into a draft adds the item
    qtbot.waitUntil(lambda: len(tab.detail.lines) == 2, timeout=10_000)
    assert "TRF-B" in tab.feedback.text() and tab.feedback.kind == "ok"
    assert tab.ship_button.isEnabled() and not tab.receive_button.isEnabled()
    tab.ship()
    question = tab.dialog
    assert isinstance(question, ConfirmDialog) and question.action_button.text() == "Ship 3 units"
    qtbot.mouseClick(question.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.detail.status == "shipped", timeout=10_000)
    _settle(page)
    assert figures(store, a, main)["committed"] == 2
    assert figures(store, b, shop)["incoming"] == 1
    tab.per_scan.setValue(2)
    _scan(qtbot, tab, "TRF-A")
    qtbot.waitUntil(lambda: "2 of 2 received" in tab.feedback.text(), timeout=10_000)
    assert tab.detail.status == "partially_received"
    _scan(qtbot, tab, "TRF-A")  # one too many
    qtbot.waitUntil(lambda: tab.feedback.kind == "error", timeout=10_000)
    assert "have been received" in tab.feedback.text()
    _scan(qtbot, tab, "TRF-B")
    qtbot.waitUntil(lambda: tab.detail.status == "received", timeout=10_000)
    assert "transfer complete" in tab.feedback.text()
    _settle(page)
    assert figures(store, a, shop)["on_hand"] == 2
    assert figures(store, a, main)["on_hand"] == 8


def test_a_purchase_order_is_received_by_scanning_and_updates_the_cost(
    context_for, qtbot, store, staff, places
) -> None:
    main, _, (a, _) = places
    supplier = create_supplier(store.unit_of_work(), staff["warehouse"], name="Scan Supplies")
    draft = _purchase_order(store, staff, supplier.id, main, a, 3, 500)
    page = _page(context_for, qtbot)
    page.tabs.setCurrentWidget(page.receiving)
    tab = page.receiving
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.id == draft.id, timeout=10_000)
    assert tab.order_button.isEnabled() and not tab.receive_button.isEnabled()
    tab.mark_ordered()
    qtbot.waitUntil(lambda: tab.detail.status == "ordered", timeout=10_000)
    _scan(qtbot, tab, "TRF-A")
    qtbot.waitUntil(lambda: "1 of 3 received" in tab.feedback.text(), timeout=10_000)
    _scan(qtbot, tab, "NOT-A-CODE")
    qtbot.waitUntil(lambda: tab.feedback.kind == "error", timeout=10_000)
    assert "No item has the barcode or SKU" in tab.feedback.text()
    tab.receive_all()
    qtbot.mouseClick(tab.dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.detail.status == "received", timeout=10_000)
    _settle(page)
    level = figures(store, a, main)
    assert (level["on_hand"], level["incoming"]) == (13, 0)
    with store.session_factory() as session:
        cost = session.execute(text("SELECT cost FROM variants WHERE id = :v"), {"v": a})
        assert cost.scalar_one() == 500  # no earlier cost known: the order's cost


def test_an_ordered_purchase_order_is_cancelled_with_a_reason_and_stops_being_incoming(
    context_for, qtbot, store, staff, places
) -> None:
    main, _, (a, _) = places
    supplier = create_supplier(store.unit_of_work(), staff["warehouse"], name="Late Supplies")
    draft = _purchase_order(store, staff, supplier.id, main, a, 4, 500)
    place_purchase_order(store.unit_of_work(), staff["warehouse"], draft.id, version=draft.version)
    page = _page(context_for, qtbot)
    page.tabs.setCurrentWidget(page.receiving)
    tab = page.receiving
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.id == draft.id, timeout=10_000)
    assert figures(store, a, main)["incoming"] == 4
    assert tab.cancel_button.isEnabled()
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    question = tab.dialog
    assert isinstance(question, ConfirmDialog)
    assert question.message.text() == (
        f"Cancel {draft.number}? What was not received is no longer incoming. "
        "This cannot be undone."
    )
    scanner_types(question.reason, "Supplier closed")  # Enter ends the reason, cancels nothing
    assert question.isVisible() and tab.detail.status == "ordered"
    qtbot.mouseClick(question.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.detail.status == "cancelled", timeout=10_000)
    _settle(page)
    with store.session_factory() as session:
        note = session.execute(
            text("SELECT note FROM stock_movements WHERE variant_id = :v ORDER BY id DESC"),
            {"v": a},
        ).scalar()
    assert note == "Supplier closed"
    assert figures(store, a, main)["incoming"] == 0
    assert not tab.cancel_button.isEnabled() and not tab.edit_button.isEnabled()


def test_receive_all_left_asks_first_naming_the_units_and_enter_does_not_answer(
    context_for, qtbot, store, staff, places
) -> None:
    main, _, (a, _) = places
    supplier = create_supplier(store.unit_of_work(), staff["warehouse"], name="Big Supplies")
    draft = _purchase_order(store, staff, supplier.id, main, a, 144, 250)
    place_purchase_order(store.unit_of_work(), staff["warehouse"], draft.id, version=draft.version)
    page = _page(context_for, qtbot)
    page.tabs.setCurrentWidget(page.receiving)
    tab = page.receiving
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.id == draft.id, timeout=10_000)
    tab.lines.setFocus()
    qtbot.keyClick(tab.lines, Qt.Key.Key_R, MODIFIERS)  # the shortcut asks too
    question = tab.dialog
    assert isinstance(question, ConfirmDialog) and question.isVisible()
    assert question.message.text().startswith(
        f"Receive all 144 units still to come on {draft.number} at "
    )
    assert "This cannot be undone." in question.message.text()
    assert question.action_button.text() == "Receive 144 units"
    question.grab().save("/tmp/scanner-keys-receive-all.png")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # a scanner's Enter: no answer
        qtbot.keyClick(question, key)
    assert question.isVisible()
    qtbot.mouseClick(question.back_button, Qt.MouseButton.LeftButton)
    _settle(page)
    assert tab.detail.status == "ordered" and figures(store, a, main)["on_hand"] == 10
    tab.receive_all()
    qtbot.mouseClick(tab.dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.detail.status == "received", timeout=10_000)
    _settle(page)
    assert figures(store, a, main)["on_hand"] == 154


def test_a_received_scan_stays_up_while_the_screen_reloads(
    context_for, qtbot, store, staff, places
) -> None:
    main, shop, (a, b) = places
    supplier = create_supplier(store.unit_of_work(), staff["warehouse"], name="Slow Readers")
    draft = _purchase_order(store, staff, supplier.id, main, a, 3, 500)
    place_purchase_order(store.unit_of_work(), staff["warehouse"], draft.id, version=draft.version)
    transfer = create_transfer(
        store.unit_of_work(),
        staff["warehouse"],
        origin_location_id=main,
        destination_location_id=shop,
        lines=[(b, 2)],
    )
    ship_transfer(store.unit_of_work(), staff["warehouse"], transfer.id, version=transfer.version)
    page = _page(context_for, qtbot)
    for tab, code, received, hint in (
        (page.receiving, "TRF-A", "1 of 3 received", "Scan items as they are unpacked"),
        (page.transfers, "TRF-B", "1 of 2 received", "Scan items as they arrive"),
    ):
        page.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda tab=tab: tab.detail is not None, timeout=10_000)
        assert tab.detail.status in tab.receiving_states
        _scan(qtbot, tab, code)
        qtbot.waitUntil(lambda tab=tab, r=received: r in tab.feedback.text(), timeout=10_000)
        shown_at = time.monotonic()
        page.on_store_changed({"inventory.level"})  # the receipt's own news coming back
        _settle(page)
        qtbot.wait(500)
        assert tab.feedback.kind == "ok" and received in tab.feedback.text()
        qtbot.waitUntil(lambda tab=tab: tab.feedback.kind == "idle", timeout=10_000)
        assert time.monotonic() - shown_at >= 3.5
        assert hint in tab.feedback.text()
    _settle(page)


def test_the_receiving_list_filters_by_state(context_for, qtbot, store, staff, places) -> None:
    main, _, (a, _) = places
    supplier = create_supplier(store.unit_of_work(), staff["warehouse"], name="Filter Co")
    first = _purchase_order(store, staff, supplier.id, main, a, 1, 100)
    place_purchase_order(store.unit_of_work(), staff["warehouse"], first.id)
    _purchase_order(store, staff, supplier.id, main, a, 1, 100)
    page = _page(context_for, qtbot)
    page.tabs.setCurrentWidget(page.receiving)
    tab = page.receiving
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=10_000)
    tab.status.setCurrentIndex(tab.status.findText("Waiting to be received"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    assert tab.model.row(0).number == first.number
    _settle(page)
