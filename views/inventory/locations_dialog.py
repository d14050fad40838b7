"""The store's locations: code, name, default, open or closed, bins; rename one.

A location's code stays (documents and scripts name it); its name is what people and imported
files call it, so a file's "Shop location" can be matched by renaming the location to it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.inventory.locations import LocationRow, list_locations, rename_location
from views.context import ViewContext
from views.inventory.common import MUTED, stretch_column


class LocationsDialog(QDialog):
    """List the locations and rename the selected one (``inventory.settings``).

    Signals:
        changed(): a location was renamed.
    """

    changed = Signal()

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.rows: list[LocationRow] = []
        self.setWindowTitle("Locations")
        self.resize(620, 380)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Code", "Name", "Bins", ""])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        stretch_column(self.table, 1)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        allowed = context.can("inventory.settings")
        self.name = QLineEdit(placeholderText="New name of the selected location", enabled=allowed)
        self.name.returnPressed.connect(self.rename)
        self.rename_button = QPushButton("Rename", enabled=allowed)
        self.rename_button.clicked.connect(self.rename)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {MUTED};")
        if not allowed:
            self.message.setText("Renaming locations needs the locations and bins permission.")
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(self.rename_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        self.tasks.query(
            list_locations,
            self.context.store.unit_of_work(),
            include_closed=True,
            on_done=self._on_loaded,
        )

    def _on_loaded(self, rows: list[LocationRow]) -> None:
        chosen = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for n, place in enumerate(rows):
            marks = ("default" if place.is_default else "") + ("" if place.is_active else "closed")
            for c, value in enumerate((place.code, place.name, str(place.bin_count), marks)):
                self.table.setItem(n, c, QTableWidgetItem(value))
            if chosen is not None and place.id == chosen.id:
                self.table.selectRow(n)
        if self.selected() is None and rows:
            self.table.selectRow(0)

    def selected(self) -> LocationRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _on_table_selection_changed(self) -> None:
        place = self.selected()
        if place is not None:
            self.name.setText(place.name)

    def rename(self) -> None:
        place = self.selected()
        if place is None or not self.context.can("inventory.settings"):
            return
        self.tasks.change(
            rename_location,
            self.context.store.unit_of_work(),
            self.context.actor,
            place.id,
            self.name.text(),
            version=place.version,
            on_done=self._on_renamed,
            busy=self.rename_button,
            label="Renaming the location",
        )

    def _on_renamed(self, row: LocationRow) -> None:
        self.message.setText(f"{row.code} is now called {row.name}.")
        self.changed.emit()
        self.reload()
