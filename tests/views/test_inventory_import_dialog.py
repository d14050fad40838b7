"""The Import CSV dialog of the stock list: a dry run that names the file's layout and what it
sets, a drop-down for each location the store lacks, then the import; renaming locations; a
search the store cannot take."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import text

from tests.inventory_files import MAIN, POP_UP, SHOP, a_shop, file_2023
from tests.inventory_helpers import figures, message_boxes, settle
from views.inventory import InventoryPage
from views.inventory.import_dialog import CREATE, InventoryImportDialog
from views.inventory.locations_dialog import LocationsDialog

__all__ = ["message_boxes"]  # an autouse fixture: message boxes never block


def _page(context_for, qtbot, role: str) -> InventoryPage:
    page = InventoryPage(context_for(role))
    qtbot.addWidget(page, before_close_func=settle)
    page.resize(1280, 800)
    page.show()
    page.on_shown()
    return page


def _idle(page: InventoryPage) -> None:
    for _ in range(20):
        page.context.tasks.wait_for_idle()
        if not page.context.tasks.running:
            return


def test_a_location_the_store_lacks_is_chosen_from_a_drop_down_then_imported(
    context_for, qtbot, store, staff, tmp_path, message_boxes
) -> None:
    shop = a_shop(store, staff)
    path = tmp_path / "inventory_export_2023.csv"
    path.write_text(file_2023([("tee-l", POP_UP, "9", "9"), ("mug", MAIN, "3", "3")]))
    page = _page(context_for, qtbot, "warehouse")
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
    page = _page(context_for, qtbot, "manager")
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
    page = _page(context_for, qtbot, "manager")
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
    page = _page(context_for, qtbot, "warehouse")
    page.stock.open_locations()
    dialog = page.stock.dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    assert not dialog.rename_button.isEnabled() and not dialog.name.isEnabled()
    assert "needs the locations and bins permission" in dialog.message.text()


def test_a_nul_character_pasted_into_the_search_is_refused_in_words(
    context_for, qtbot, store, staff, message_boxes
) -> None:
    a_shop(store, staff)
    page = _page(context_for, qtbot, "warehouse")
    _idle(page)
    page.stock.search.setFocus()
    page.stock.search.insert("tee\x00")  # pasted: QTest cannot type a NUL
    qtbot.keyClick(page.stock.search, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "cannot contain the invisible NUL" in page.stock.feedback.text(), timeout=10_000
    )
    assert not message_boxes  # no crash notice
