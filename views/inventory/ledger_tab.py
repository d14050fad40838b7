"""The ledger: every stock movement from every path, newest first; filter by location, reason
or document, search a SKU, barcode or document number, export what is shown as CSV, open an
item's full history (Enter)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.inventory.adjustments import REASON_LABELS
from services.inventory.history import MovementRow, export_movements, list_movements
from views import shortcuts
from views.context import ViewContext
from views.inventory.common import MUTED, LocationCombo, stretch_column, when
from views.inventory.dialogs import VariantHistoryDialog
from views.widgets.forms import OpenEditors
from views.widgets.lazy_table import Column, KeysetTableModel
from views.widgets.search_box import SearchBox
from views.widgets.table_view import ListView
from views.wording import counted

COLUMNS = [
    Column("occurred_at", "When", format=when, width=16),
    Column("sku", "SKU", width=19),
    Column("product_title", "Product", width=24),
    Column("location_name", "Location", width=18),
    Column("changes", "Change", width=24),
    Column("reason_label", "Reason", width=21),
    Column("document", "Document", width=19),
    Column("staff_name", "By", width=16),
    Column("note", "Note", width=24),
]


class LedgerTab(QWidget):
    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.dialog: QWidget | None = None
        self.editors = OpenEditors()  # one history window per item
        self.location = LocationCombo(context, allow_all=True)
        self.location.location_changed.connect(self._on_location_changed)
        self.reason = QComboBox()
        self.reason.addItem("Any reason", None)
        for reason, label in REASON_LABELS.items():
            self.reason.addItem(label, reason.value)
        self.reason.currentIndexChanged.connect(lambda _: self._apply())
        self.search = SearchBox("SKU, barcode or document (T-1001, PO-1001, C-1001, ADJ-1001)")
        self.search.search_changed.connect(lambda text: self.model.set_query(search=text))
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self.export_csv)
        self.history_button = QPushButton("Item history (Enter)")
        self.history_button.clicked.connect(self.open_history)
        self.count_label = QLabel()
        self.count_label.setStyleSheet(f"color: {MUTED};")
        bar = QHBoxLayout()
        bar.addWidget(self.location)
        bar.addWidget(self.reason)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.count_label)
        bar.addWidget(self.history_button)
        bar.addWidget(self.export_button)
        self.model = KeysetTableModel(
            COLUMNS,
            lambda request: list_movements(context.store.unit_of_work(), request),
            context.tasks,
        )
        # a method, not a lambda: Qt drops the connection when the tab is deleted, while a
        # page still loading when a window closes would call a lambda on a deleted label
        self.model.loaded.connect(self._on_loaded)
        self.table = ListView(
            self.model,
            settings=context.settings,
            settings_key="inventory/ledger",
            empty_text="No stock movements match. Clear the search or choose another location.",
        )
        self.table.setSortingEnabled(False)
        stretch_column(self.table, 2)
        self.table.doubleClicked.connect(lambda _: self.open_history())
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        shortcuts.bind(shortcuts.LEDGER, "Return", self.table, self.open_history)
        shortcuts.bind(shortcuts.LEDGER, "F5", self, self.reload)
        self.search.focus_shortcut(self)

    def _on_location_changed(self, location_id: int | None) -> None:
        self.table.setColumnHidden(3, location_id is not None)
        self._apply()

    def filters(self) -> dict[str, object]:
        filters: dict[str, object] = {}
        if self.location.location_id is not None:
            filters["location_id"] = self.location.location_id
        if self.reason.currentData():
            filters["reason"] = self.reason.currentData()
        return filters

    def _apply(self) -> None:
        self.model.set_query(filters=self.filters())

    def _on_loaded(self, count: int) -> None:
        self.count_label.setText(
            counted(count, "%Ln movement(s)" if self.model.is_complete else "%Ln+ movement(s)")
        )

    def reload(self) -> None:
        self.model.reload()

    def open_history(self) -> None:
        row = self.table.current_row()
        if isinstance(row, MovementRow):
            variant = row.variant_id
            self.dialog = self.editors.open(
                ("history", variant), lambda: VariantHistoryDialog(self.context, variant, self)
            )

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the ledger", "ledger.csv", "CSV (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        filters, search = self.filters(), self.search.text().strip()

        def export() -> int:
            with path.open("w", newline="", encoding="utf-8") as out:
                return export_movements(
                    self.context.store.unit_of_work(), out, filters=filters, search=search
                )

        self.tasks.query(
            export,
            on_done=lambda rows: self.count_label.setText(f"Exported {rows:,} to {path.name}"),
            label="Exporting the ledger",
        )
