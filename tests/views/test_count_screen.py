"""The counting screen, driven with a scanner: bin label, items, typed quantities, unknown
codes identified or skipped, undo, variances, posting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from services.inventory.locations import assign_bin
from tests import factories
from tests.inventory_helpers import figures, ledger_rows, message_boxes, settle, stock
from tests.views.scanning import Keyboard
from views.inventory import InventoryPage
from views.inventory.counts_tab import StartCountDialog

__all__ = ["message_boxes"]  # an autouse fixture: message boxes never block


@pytest.fixture
def shelf(store, staff):
    place = factories.location(store, "CNT", is_default=True, bins=("A-01", "B-01"))
    tee, mug = factories.product(store, skus=("CNT-TEE", "CNT-MUG"))
    stock(store, staff, tee, place, 4)
    stock(store, staff, mug, place, 2)
    assign_bin(store.unit_of_work(), staff["manager"], tee, place, "A-01")
    assign_bin(store.unit_of_work(), staff["manager"], mug, place, "B-01")
    return place, tee, mug


@pytest.fixture
def counting(context_for, qtbot, shelf):
    page = InventoryPage(context_for("warehouse"))
    qtbot.addWidget(page, before_close_func=settle)
    page.resize(1280, 800)
    page.show()
    page.tabs.setCurrentWidget(page.counts)
    tab = page.counts
    tab.open_start()
    dialog = tab.dialog
    assert isinstance(dialog, StartCountDialog)
    qtbot.waitUntil(lambda: dialog.location.location_id == shelf[0], timeout=10_000)
    dialog.start()
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.screen, timeout=10_000)
    screen = tab.screen
    qtbot.waitUntil(lambda: screen.detail is not None, timeout=10_000)
    page.activateWindow()  # as the window manager does when the dialog closes
    qtbot.waitUntil(page.isActiveWindow, timeout=5_000)
    yield page, screen, Keyboard(qtbot, screen.scanner)
    page.hide()  # nothing refreshes after the test's store is gone
    _settle(page)


def _settle(page) -> None:
    for _ in range(10):
        page.context.tasks.wait_for_idle()
        if not page.context.tasks.running:
            return


def test_counting_by_scanner_shows_each_scan_and_the_variances(qtbot, counting, shelf) -> None:
    _page, screen, scanner = counting
    _place, _tee, _mug = shelf
    focus = screen.variance_table  # whatever has the focus: no field to click first
    focus.setFocus()
    scanner.scan(focus, "CNT-TEE")
    qtbot.waitUntil(lambda: screen.feedback.kind == "error", timeout=10_000)
    assert "Scan a bin label first" in screen.feedback.text()
    scanner.scan(focus, "A-01")
    qtbot.waitUntil(lambda: screen.bin_code == "A-01", timeout=10_000)
    assert screen.bin_label.text() == "Bin A-01"
    scanner.scan(focus, "CNT-TEE")
    qtbot.waitUntil(lambda: "1 counted" in screen.feedback.text(), timeout=10_000)
    assert screen.feedback.kind == "ok"
    screen.quantity.setValue(2)  # typed before the scan: it counts two
    scanner.scan(focus, "CNT-TEE")
    qtbot.waitUntil(lambda: "3 counted" in screen.feedback.text(), timeout=10_000)
    assert screen.quantity.value() == 1
    scanner.scan(focus, "CNT-MUG")  # homed in B-01, found in A-01
    qtbot.waitUntil(lambda: "belongs in B-01" in screen.feedback.text(), timeout=10_000)
    assert screen.feedback.kind == "warn"

    def counted(sku: str) -> int:
        return next((r.counted for r in screen.variances.rows() if r.sku == sku), -1)

    qtbot.waitUntil(lambda: counted("CNT-TEE") == 3, timeout=10_000)
    rows = {r.sku: r for r in screen.variances.rows()}
    assert (rows["CNT-TEE"].expected, rows["CNT-TEE"].counted, rows["CNT-TEE"].state) == (
        4,
        3,
        "short",
    )
    assert [r.quantity for r in screen.scans.rows()] == [1, 2, 1]


def test_an_unknown_code_is_identified_or_skipped_and_undo_takes_a_scan_back(
    qtbot, counting, shelf
) -> None:
    page, screen, scanner = counting
    focus = screen.scan_table
    scanner.scan(focus, "A-01")
    qtbot.waitUntil(lambda: screen.bin_code == "A-01", timeout=10_000)
    scanner.scan(focus, "0000000099999")
    qtbot.waitUntil(lambda: screen.pending_code == "0000000099999", timeout=10_000)
    assert screen.feedback.kind == "error" and screen.unknown.isVisible()
    screen.identify()
    picker = screen.dialog
    qtbot.keyClicks(picker.search, "CNT-TEE")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=10_000)
    picker.accept()
    page.activateWindow()  # as the window manager does when a dialog closes
    qtbot.waitUntil(lambda: "1 counted" in screen.feedback.text(), timeout=10_000)
    assert not screen.unknown.isVisible()
    scanner.scan(focus, "0000000088888")
    qtbot.waitUntil(lambda: screen.pending_code == "0000000088888", timeout=10_000)
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert screen.pending_code is None and "Skipped" in screen.feedback.text()
    qtbot.keyClick(screen, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Undone" in screen.feedback.text(), timeout=10_000)
    assert "0 counted now" in screen.feedback.text()


def test_posting_the_count_writes_count_movements(
    qtbot, counting, shelf, store, message_boxes
) -> None:
    page, screen, scanner = counting
    place, tee, _mug = shelf
    focus = screen.variance_table
    scanner.scan(focus, "A-01")
    qtbot.waitUntil(lambda: screen.bin_code == "A-01", timeout=10_000)
    screen.quantity.setValue(5)
    scanner.scan(focus, "CNT-TEE")
    qtbot.waitUntil(lambda: "5 counted" in screen.feedback.text(), timeout=10_000)
    scanner.scan(focus, "B-01")
    qtbot.waitUntil(lambda: screen.bin_code == "B-01", timeout=10_000)
    screen.quantity.setValue(2)
    scanner.scan(focus, "CNT-MUG")
    qtbot.waitUntil(lambda: "2 counted" in screen.feedback.text(), timeout=10_000)
    _settle(page)
    qtbot.keyClick(screen, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "posted" in screen.feedback.text(), timeout=10_000)
    _settle(page)  # the store's one test connection is free again
    [(kind, question)] = message_boxes
    assert kind == "question" and "1 item changes on hand (+1 / 0 units)" in question
    assert figures(store, tee, place)["on_hand"] == 5
    assert ledger_rows(store, tee)[-1]["reason"] == "count"
    qtbot.waitUntil(lambda: not screen.post_button.isEnabled(), timeout=10_000)
    assert not screen.scanner.enabled  # a posted count takes no more scans
