"""The Inventory area, driven as warehouse staff use it: the stock list, adjusting, history,
the ledger, low stock into a purchase order, scanning without clicking a field, importing a
Shopify inventory CSV (a drop-down for each location the store lacks) and renaming locations."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import text

from models.status import MovementReason
from services.inventory.purchasing import create_supplier
from services.inventory.replenishment import ReorderRule, set_reorder_rules
from tests import factories
from tests.inventory_files import MAIN, POP_UP, SHOP, a_shop, file_2023
from tests.inventory_helpers import figures, ledger_rows, message_boxes, settle, stock
from tests.views.scanning import Keyboard
from views.inventory import InventoryPage
from views.inventory.dialogs import AdjustDialog, VariantHistoryDialog
from views.inventory.import_dialog import CREATE, InventoryImportDialog
from views.inventory.locations_dialog import LocationsDialog
from views.widgets.lazy_table import RowsTableModel

__all__ = ["message_boxes"]  # an autouse fixture: message boxes never block


@pytest.fixture
def warehouse(store, staff):
    place = factories.location(store, "MAIN", is_default=True, bins=("A-1", "A-2"))
    variants = factories.product(store, skus=("INV-RED", "INV-BLUE", "INV-GREEN"), title="Tee")
    for variant, units in zip(variants, (5, 2, 0), strict=True):
        if units:
            stock(store, staff, variant, place, units)
    return place, variants


def _page(context_for, qtbot, role="warehouse") -> InventoryPage:
    context = context_for(role)
    page = InventoryPage(context)
    qtbot.addWidget(page, before_close_func=settle)
    page.resize(1280, 800)
    page.show()
    page.on_shown()
    return page


def _idle(page: InventoryPage) -> None:
    """Wait until background work is done (and what its results started), so the test may
    use the store's one connection itself."""
    for _ in range(20):
        page.context.tasks.wait_for_idle()
        if not page.context.tasks.running:
            return


def _skus(model) -> list[str]:
    return [model.row(i).sku for i in range(model.rowCount())]


def test_the_stock_list_shows_every_item_of_the_default_location(
    context_for, qtbot, warehouse, qtmodeltester
) -> None:
    page = _page(context_for, qtbot)
    tab = page.stock
    qtbot.waitUntil(lambda: tab.location.location_id == warehouse[0], timeout=10_000)
    tab.search.setText("INV-")
    tab.model.set_query(search="INV-")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=10_000)
    rows = {r.sku: r for r in tab.model.rows()}
    assert (rows["INV-RED"].on_hand, rows["INV-GREEN"].is_stocked) == (5, False)
    assert tab.table.isColumnHidden(3)  # one location: no location column
    tab.filter.setCurrentIndex(2)  # out of stock
    qtbot.waitUntil(lambda: _skus(tab.model) == ["INV-GREEN"], timeout=10_000)
    qtmodeltester.check(tab.model)


def test_adjusting_selected_items_saves_one_document_and_refreshes(
    context_for, qtbot, store, warehouse
) -> None:
    place, (red, blue, _) = warehouse
    page = _page(context_for, qtbot)
    tab = page.stock
    qtbot.waitUntil(lambda: tab.location.location_id == place, timeout=10_000)
    tab.model.set_query(search="INV-")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=10_000)
    selection = tab.table.selectionModel()
    for sku in ("INV-RED", "INV-BLUE"):
        row = tab.model.find(lambda r, sku=sku: r.sku == sku)
        selection.select(
            tab.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    qtbot.keyClick(tab, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.dialog
    assert isinstance(dialog, AdjustDialog) and len(dialog.rows) == 2
    dialog.reason.setCurrentIndex(dialog.reason.findData(MovementReason.DAMAGED.value))
    dialog.note.setText("crushed pallet")
    first = [r.sku for r in dialog.rows].index("INV-RED")
    dialog._change_spin(first).setValue(-2)
    dialog._new_spin(1 - first).setValue(7)  # typing the new figure works too
    with qtbot.waitSignal(dialog.adjusted, timeout=10_000):
        dialog.save()
    _idle(page)
    assert figures(store, red, place)["on_hand"] == 3
    assert figures(store, blue, place)["on_hand"] == 7
    rows = ledger_rows(store, red)[-1:] + ledger_rows(store, blue)[-1:]
    assert {r["reason"] for r in rows} == {"damaged"}
    assert {r["note"] for r in rows} == {"crushed pallet"}
    assert len({r["reference_id"] for r in rows}) == 1
    qtbot.waitUntil(lambda: "adjusted" in tab.feedback.text(), timeout=10_000)


def test_a_stale_figure_in_the_adjust_dialog_is_refused_and_reloaded(
    context_for, qtbot, store, staff, warehouse
) -> None:
    place, (red, _, _) = warehouse
    page = _page(context_for, qtbot)
    tab = page.stock
    qtbot.waitUntil(lambda: tab.location.location_id == place, timeout=10_000)
    tab.model.set_query(search="INV-RED")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    tab.table.selectRow(0)
    tab.open_adjust()
    dialog = tab.dialog
    dialog._new_spin(0).setValue(9)
    _idle(page)
    stock(store, staff, red, place, 1)  # another workstation: 5 -> 6
    dialog.save()
    _idle(page)
    qtbot.waitUntil(lambda: "changed since you opened it" in dialog.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: dialog.table.item(0, 3).text() == "6", timeout=5000)
    _idle(page)
    assert figures(store, red, place)["on_hand"] == 6


def test_a_scan_anywhere_on_the_stock_list_finds_the_item(context_for, qtbot, warehouse) -> None:
    page = _page(context_for, qtbot)
    tab = page.stock
    qtbot.waitUntil(lambda: tab.model.rowCount() >= 3, timeout=10_000)
    tab.table.setFocus()
    keyboard = Keyboard(qtbot, tab.scanner)
    keyboard.scan(tab.table, "INV-BLUE")
    qtbot.waitUntil(lambda: tab.feedback.kind == "ok", timeout=10_000)
    qtbot.waitUntil(lambda: _skus(tab.model) == ["INV-BLUE"], timeout=10_000)
    assert "INV-BLUE" in tab.feedback.text()
    keyboard.scan(tab.table, "NOPE-404")
    qtbot.waitUntil(lambda: tab.feedback.kind == "error", timeout=10_000)
    assert "Unknown code NOPE-404" in tab.feedback.text()


def test_history_shows_each_movement_with_the_figures_after_it(
    context_for, qtbot, warehouse
) -> None:
    page = _page(context_for, qtbot)
    tab = page.stock
    tab.model.set_query(search="INV-RED")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    tab.table.selectRow(0)
    tab.open_history()
    dialog = tab.dialog
    assert isinstance(dialog, VariantHistoryDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert dialog.model.row(0).on_hand_after == 5
    qtbot.waitUntil(lambda: "INV-RED" in dialog.heading.text(), timeout=10_000)


def test_the_ledger_tab_lists_and_filters_movements(context_for, qtbot, warehouse, tmp_path):
    page = _page(context_for, qtbot)
    page.tabs.setCurrentWidget(page.ledger)
    tab = page.ledger
    tab.model.set_query(search="INV-RED")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    assert tab.model.row(0).changes == "on hand +5"
    tab.reason.setCurrentIndex(tab.reason.findData("count"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=10_000)
    target = tmp_path / "ledger.csv"
    tab.reason.setCurrentIndex(0)
    tab.export_to(target)
    _idle(page)
    assert target.read_text(encoding="utf-8").startswith("Movement,Date,SKU")


def test_low_stock_turns_into_a_draft_purchase_order(
    context_for, qtbot, store, staff, warehouse
) -> None:
    place, (_red, blue, _) = warehouse
    set_reorder_rules(store.unit_of_work(), staff["manager"], [ReorderRule(blue, place, 3, 12)])
    create_supplier(store.unit_of_work(), staff["manager"], name="Tee Mill")
    page = _page(context_for, qtbot, role="manager")
    page.tabs.setCurrentWidget(page.low_stock)
    tab = page.low_stock
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    assert (tab.model.row(0).sku, tab.model.row(0).suggested) == ("INV-BLUE", 12)
    tab.table.selectRow(0)
    tab.order_selected()
    dialog = tab.dialog
    qtbot.waitUntil(lambda: dialog.supplier.count() == 1, timeout=10_000)
    with qtbot.waitSignal(tab.purchase_order_drafted, timeout=10_000):
        dialog.order()
    assert page.tabs.currentWidget() is page.receiving
    qtbot.waitUntil(lambda: page.receiving.detail is not None, timeout=10_000)
    assert page.receiving.detail.status == "draft"
    assert [(line.variant.sku, line.quantity) for line in page.receiving.detail.lines] == [
        ("INV-BLUE", 12)
    ]


def test_a_merchandiser_sees_stock_but_cannot_change_it(context_for, qtbot, warehouse) -> None:
    page = _page(context_for, qtbot, role="merchandiser")
    assert not page.stock.adjust_button.isEnabled()
    assert not page.stock.import_button.isEnabled()
    assert not page.counts.start_button.isEnabled()
    assert not page.transfers.new_button.isEnabled()


def test_rows_table_model_is_a_well_behaved_model(qtmodeltester) -> None:
    from views.inventory.counts_tab import VARIANCE_COLUMNS

    class Row:
        sku, name, home_bin, expected, counted, variance, state = "S", "N", None, 2, 1, -1, "short"

    model = RowsTableModel(VARIANCE_COLUMNS)
    model.set_rows([Row(), Row()])
    qtmodeltester.check(model)


def test_a_location_the_store_lacks_is_chosen_from_a_drop_down_then_imported(
    context_for, qtbot, store, staff, tmp_path, message_boxes
) -> None:
    shop = a_shop(store, staff)
    path = tmp_path / "inventory_export_2023.csv"
    path.write_text(file_2023([("tee-l", POP_UP, "9", "9"), ("mug", MAIN, "3", "3")]))
    page = _page(context_for, qtbot)
    page.stock.import_from(path)
    dialog = page.stock.dialog
    assert isinstance(dialog, InventoryImportDialog)
    qtbot.waitUntil(lambda: POP_UP in dialog.choices, timeout=10_000)
    assert "of 2023, one row per item and location (dry run)" in dialog.layout_label.text()
    assert "which wins over its “Available”" in dialog.rule.text()
    assert "1 location not in the store: Pop-up store" in dialog.summary.text()
    assert "the store has no location called 'Pop-up store'" in dialog.details.toPlainText()
    combo = dialog.choices[POP_UP]
    # warehouse staff may not create locations: only the store's own are offered
    assert combo.findData(CREATE) == -1
    assert [combo.itemText(i) for i in range(combo.count())][1:] == [
        f"Take it as {MAIN} (MAIN)",
        f"Take it as {SHOP} (SHOP)",
    ]
    dialog.grab().save(str(tmp_path / "import-dialog.png"))

    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # "Take it as Shop (SHOP)"
    assert combo.currentData() == "SHOP"
    qtbot.waitUntil(
        lambda: (
            dialog.report is not None
            and not dialog.report.errors
            and dialog.import_button.isEnabled()
        ),
        timeout=10_000,
    )
    _idle(page)  # the test reads the store on the connection the dialog's work uses
    assert "2 would change" in dialog.summary.text()
    assert figures(store, shop.tee_large, shop.shop) == {}  # the dry run changed nothing
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    _idle(page)
    assert "2 changed" in dialog.summary.text() and "Ledger document: IMP-" in (
        dialog.summary.text()
    )
    assert figures(store, shop.tee_large, shop.shop)["on_hand"] == 9
    assert figures(store, shop.mug, shop.main)["on_hand"] == 3
    assert not message_boxes


def test_a_manager_may_create_the_missing_location_from_the_dialog(
    context_for, qtbot, store, staff, tmp_path
) -> None:
    shop = a_shop(store, staff)
    path = tmp_path / "inventory.csv"
    path.write_text(file_2023([("tee-l", POP_UP, "4", "4")]))
    page = _page(context_for, qtbot, role="manager")
    page.stock.import_from(path)
    dialog = page.stock.dialog
    qtbot.waitUntil(lambda: POP_UP in dialog.choices, timeout=10_000)
    combo = dialog.choices[POP_UP]
    combo.setCurrentIndex(combo.findData(CREATE))
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    assert "locations would be created: Pop-up store (POP-UP-STORE)" in dialog.summary.text()
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    _idle(page)
    with store.session_factory() as session:
        made = session.execute(
            text("SELECT id, code FROM locations WHERE name = :n"), {"n": POP_UP}
        ).one()
    assert made.code == "POP-UP-STORE"
    assert figures(store, shop.tee_large, made.id)["on_hand"] == 4


def test_a_location_is_renamed_where_locations_are_listed(
    context_for, qtbot, store, staff, tmp_path
) -> None:
    a_shop(store, staff)
    page = _page(context_for, qtbot, role="manager")
    page.stock.locations_button.click()
    dialog = page.stock.dialog
    assert isinstance(dialog, LocationsDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    dialog.table.selectRow(1)
    assert dialog.name.text() == SHOP
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Shop floor")
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    _idle(page)
    assert dialog.message.text() == "SHOP is now called Shop floor."
    assert dialog.table.item(1, 1).text() == "Shop floor"
    assert "Shop floor" in [page.stock.location.itemText(i) for i in range(4)]
    with store.session_factory() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'inventory.location.rename'")
            ).scalar()
            == 1
        )


def test_warehouse_staff_see_the_locations_but_may_not_rename_them(
    context_for, qtbot, store, staff
) -> None:
    a_shop(store, staff)
    page = _page(context_for, qtbot)
    page.stock.open_locations()
    dialog = page.stock.dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    assert not dialog.rename_button.isEnabled() and not dialog.name.isEnabled()
    assert "needs the locations and bins permission" in dialog.message.text()


def test_a_nul_character_pasted_into_the_search_is_refused_in_words(
    context_for, qtbot, store, staff, message_boxes
) -> None:
    a_shop(store, staff)
    page = _page(context_for, qtbot)
    _idle(page)
    page.stock.search.setFocus()
    page.stock.search.insert("tee\x00")  # pasted: QTest cannot type a NUL
    qtbot.keyClick(page.stock.search, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "cannot contain the invisible NUL" in page.stock.feedback.text(), timeout=10_000
    )
    assert not message_boxes  # no crash notice
