"""The stock list: every item at a location with Shopify's states, filtered and searched by the
database, paged lazily; adjust, move between states, reorder points, history, CSV.

Keyboard: Ctrl+F search, Ctrl+J adjust the selected items, Ctrl+M move between states,
Ctrl+R reorder point, Enter history, F5 reload. A scan anywhere shows that item.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.inventory.levels import StockRow, list_stock, lookup_code
from services.inventory.locations import BinRow, list_bins
from services.inventory.shopify_csv import export_inventory_csv
from views import shortcuts
from views.context import ViewContext
from views.inventory.common import MUTED, LocationCombo, negative_red, stretch_column
from views.inventory.dialogs import (
    AdjustDialog,
    MoveStateDialog,
    ReorderDialog,
    VariantHistoryDialog,
)
from views.inventory.import_dialog import InventoryImportDialog
from views.inventory.locations_dialog import LocationsDialog
from views.widgets.forms import OpenEditors
from views.widgets.lazy_table import RIGHT, Column, KeysetTableModel
from views.widgets.scanner import ScanFeedback, ScannerInput
from views.widgets.search_box import SearchBox
from views.widgets.table_view import ListView
from views.wording import counted


def _bin(value: object) -> str:
    return str(value) if value else "—"


def _point(value: object) -> str:
    return "" if value is None else str(value)


#: only SKU sorts from the header: it follows an index, so a million items sort as fast as a
#: hundred; the other orders (``services.inventory.levels.STOCK_SORTS``) sort every row
COLUMNS = [
    Column("sku", "SKU", sort="sku", width=19),
    Column("product_title", "Product", width=28),
    Column("variant_title", "Variant", width=14),
    Column("location_name", "Location", width=18),
    Column("bin_code", "Bin", format=_bin, width=8),
    Column("on_hand", "On hand", align=RIGHT, color=negative_red, width=10),
    Column("committed", "Committed", align=RIGHT, width=11),
    Column("unavailable", "Unavailable", align=RIGHT, width=12),
    Column("available", "Available", align=RIGHT, color=negative_red, width=11),
    Column("incoming", "Incoming", align=RIGHT, width=10),
    Column("reorder_point", "Reorder at", align=RIGHT, format=_point, width=11),
]

FILTERS = (
    ("All items", {}),
    ("Low stock", {"low_stock": True}),
    ("Out of stock", {"out_of_stock": True}),
    ("Negative available", {"negative_available": True}),
)


class StockTab(QWidget):
    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.dialog: QWidget | None = None  # the dialog open now (tests reach it here)
        self.editors = OpenEditors()
        self.location = LocationCombo(context, allow_all=True)
        self.location.location_changed.connect(self._on_location_changed)
        self.search = SearchBox("Search SKU, product, vendor or barcode — or scan an item")
        self.search.search_changed.connect(lambda text: self.model.set_query(search=text))
        self.filter = QComboBox()
        for label, value in FILTERS:
            self.filter.addItem(label, value)
        self.filter.currentIndexChanged.connect(lambda _: self._apply_filters())
        self.bin = QComboBox(minimumWidth=110)
        self.bin.addItem("Any bin", None)
        self.bin.currentIndexChanged.connect(lambda _: self._apply_filters())
        self.count_label = QLabel()
        self.count_label.setStyleSheet(f"color: {MUTED};")
        bar = QHBoxLayout()
        bar.addWidget(self.location)
        bar.addWidget(self.search, 3)
        bar.addWidget(self.filter)
        bar.addWidget(self.bin)
        bar.addWidget(self.count_label)

        self.model = KeysetTableModel(
            COLUMNS,
            lambda request: list_stock(context.store.unit_of_work(), request),
            context.tasks,
            key=lambda row: (row.variant_id, row.location_id),
            parent=self,
        )
        self.model.loaded.connect(self._on_loaded)
        self.model.failed.connect(lambda message: self.feedback.show_result("error", message))
        restored = context.settings.contains("inventory/stock/header")
        self.table = ListView(self.model, settings=context.settings, settings_key="inventory/stock")
        if not restored:
            # a header starts sorted descending; people read SKUs from A
            self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(ListView.SelectionMode.ExtendedSelection)
        stretch_column(self.table, 1)
        self.table.doubleClicked.connect(lambda _: self.open_history())
        self.empty = QLabel(
            "No items match. Clear the search or the filter.",
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        self.empty.setStyleSheet(f"color: {MUTED}; padding: 24px;")
        self.empty.hide()

        adjust_allowed = context.can("inventory.adjust")
        self.adjust_button = QPushButton("Adjust… (Ctrl+J)", enabled=adjust_allowed)
        self.adjust_button.clicked.connect(self.open_adjust)
        self.move_button = QPushButton("Move between states… (Ctrl+M)", enabled=adjust_allowed)
        self.move_button.clicked.connect(self.open_move)
        self.reorder_button = QPushButton(
            "Reorder point… (Ctrl+R)", enabled=context.can("inventory.settings")
        )
        self.reorder_button.clicked.connect(self.open_reorder)
        self.history_button = QPushButton("History (Enter)")
        self.history_button.clicked.connect(self.open_history)
        self.import_button = QPushButton("Import CSV…", enabled=adjust_allowed)
        self.import_button.clicked.connect(self.import_csv)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self.export_csv)
        self.locations_button = QPushButton("Locations…")
        self.locations_button.clicked.connect(self.open_locations)
        actions = QHBoxLayout()
        for button in (
            self.adjust_button,
            self.move_button,
            self.reorder_button,
            self.history_button,
        ):
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.locations_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)

        self.feedback = ScanFeedback("Scan an item to find it, or search above.")
        self.scanner = ScannerInput(self)
        self.scanner.scanned.connect(self.on_scanned)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.feedback)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(actions)

        self.search.focus_shortcut(self)
        for key, slot in (
            ("Ctrl+J", self.open_adjust),
            ("Ctrl+M", self.open_move),
            ("Ctrl+R", self.open_reorder),
            ("Return", self.open_history),
            ("F5", self.reload),
        ):
            shortcuts.bind(shortcuts.STOCK, key, self.table if key == "Return" else self, slot)

    # -- querying --------------------------------------------------------------------------

    def _on_location_changed(self, location_id: int | None) -> None:
        self.table.setColumnHidden(3, location_id is not None)
        self.bin.blockSignals(True)
        self.bin.clear()
        self.bin.addItem("Any bin", None)
        self.bin.setEnabled(location_id is not None)
        self.bin.blockSignals(False)
        if location_id is not None:
            self.tasks.query(
                list_bins, self.context.store.unit_of_work(), location_id, on_done=self._on_bins
            )
        self._apply_filters()

    def _on_bins(self, bins: list[BinRow]) -> None:
        self.bin.blockSignals(True)
        for b in bins:
            self.bin.addItem(b.code, b.id)
        self.bin.blockSignals(False)

    def _apply_filters(self) -> None:
        filters = dict(self.filter.currentData() or {})
        if self.location.location_id is not None:
            filters["location_id"] = self.location.location_id
        if self.bin.currentData() is not None:
            filters["bin_id"] = self.bin.currentData()
        self.model.set_query(filters=filters)

    def reload(self) -> None:
        self.model.reload()

    def _after_change(self, _result: object = None) -> None:
        """A change made here: the store's announcement of it refreshes the list, once; with
        no one listening, refresh now."""
        if not self.context.live.listening:
            self.reload()

    def refresh_figures(self, variant_ids: set[int] | None) -> None:
        """These variants' figures changed: refetch their loaded rows in place, unless the
        figures decide which rows are listed or in which order."""
        request = self.model.request
        filtered = ("low_stock", "out_of_stock", "negative_available")
        by_figures = request.sort in ("available", "on_hand") or any(
            request.filters.get(name) for name in filtered
        )
        if variant_ids is None or by_figures:
            self.model.refresh_soon()
        else:
            self.model.refresh_rows("variant_ids", variant_ids, lambda row: row.variant_id)

    def _on_loaded(self, count: int) -> None:
        text = "%Ln item(s)" if self.model.is_complete else "%Ln+ item(s)"
        self.count_label.setText(counted(count, text))
        self.empty.setVisible(count == 0)
        self.table.setVisible(count > 0)
        if count and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    # -- scanning --------------------------------------------------------------------------

    def on_scanned(self, code: str) -> None:
        self.tasks.query(
            lookup_code,
            self.context.store.unit_of_work(),
            code,
            on_done=lambda found: self._on_scan_found(code, found),
            label="Finding item",
        )

    def _on_scan_found(self, code: str, found: list) -> None:
        if not found:
            self.feedback.show_result("error", f"Unknown code {code}: no item has it.")
            return
        label = found[0].label if len(found) == 1 else counted(len(found), "%Ln item(s)")
        self.feedback.show_result("ok", f"{label}")
        self.search.setText(code)
        self.model.set_query(search=found[0].sku or code)

    # -- actions ---------------------------------------------------------------------------

    def selected(self) -> list[StockRow]:
        rows = self.table.selected_rows()
        current = self.table.current_row()
        if not rows and current is not None:
            rows = [current]
        return [r for r in rows if isinstance(r, StockRow)]

    def _one(self) -> StockRow | None:
        rows = self.selected()
        return rows[0] if rows else None

    def open_adjust(self) -> None:
        rows = self.selected()
        if not rows or not self.context.can("inventory.adjust"):
            return
        places = {r.location_id for r in rows}
        if len(places) > 1:
            QMessageBox.information(
                self,
                "One location at a time",
                "An adjustment is for one location: choose it above, or select items of one.",
            )
            return
        place = rows[0].location_id

        def make() -> QWidget:
            dialog = AdjustDialog(self.context, place, rows[0].location_name, rows, self)
            dialog.adjusted.connect(self._on_adjusted)
            return dialog

        self._show(("adjust", place, tuple(sorted(r.variant_id for r in rows))), make)

    def _on_adjusted(self, result: object) -> None:
        number = getattr(result, "number", "")
        lines = len(getattr(result, "lines", ()))
        self.feedback.show_result(
            "ok", f"{number}: " + counted(lines, "%Ln line(s) adjusted."), sound=False
        )
        self._after_change()

    def open_move(self) -> None:
        row = self._one()
        if row is None or not self.context.can("inventory.adjust"):
            return

        def make() -> QWidget:
            dialog = MoveStateDialog(self.context, row, self)
            dialog.moved.connect(self._after_change)
            return dialog

        self._show(("move", row.variant_id, row.location_id), make)

    def open_reorder(self) -> None:
        row = self._one()
        if row is None or not self.context.can("inventory.settings"):
            return

        def make() -> QWidget:
            dialog = ReorderDialog(self.context, row, self)
            dialog.saved.connect(self._after_change)
            return dialog

        self._show(("reorder", row.variant_id, row.location_id), make)

    def open_history(self) -> None:
        row = self._one()
        if row is None:
            return
        self._show(
            ("history", row.variant_id),
            lambda: VariantHistoryDialog(self.context, row.variant_id, self),
        )

    def _show(self, key: tuple[object, ...], make: Callable[[], QWidget]) -> None:
        """The dialog ``make`` makes, unless the one for ``key`` is open: that comes forward."""

        def made() -> QWidget:
            dialog = make()
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            return dialog

        self.dialog = self.editors.open(key, made)

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export inventory", "inventory_export.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        location_id = self.location.location_id

        def export() -> int:
            with path.open("w", newline="", encoding="utf-8") as out:
                return export_inventory_csv(
                    self.context.store.unit_of_work(), out, location_id=location_id
                )

        self.tasks.query(
            export,
            on_done=lambda rows: self.feedback.show_result(
                "ok", counted(rows, "Exported %Ln row(s) to ") + f"{path.name}.", sound=False
            ),
            label="Exporting inventory",
        )

    def import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a Shopify inventory CSV", "", "CSV files (*.csv)"
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        """Open the import of ``path``: its dry run first, then the import on request."""

        def make() -> QWidget:
            dialog = InventoryImportDialog(self.context, path, self)
            dialog.imported.connect(self._after_change)
            return dialog

        self._show(("import", str(path)), make)

    def open_locations(self) -> None:
        def make() -> QWidget:
            dialog = LocationsDialog(self.context, self)
            dialog.changed.connect(self._on_locations_changed)
            return dialog

        self._show(("locations",), make)

    def _on_locations_changed(self) -> None:
        self.location.reload()
        self.reload()
