"""Pieces the inventory screens share: the location chooser, the lines editor of documents
(transfers, purchase orders, adjustments), the item picker, and small formatters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.inventory.levels import VariantRef, lookup_code, search_variants
from services.inventory.locations import LocationRow, list_locations
from views.context import ViewContext
from views.widgets.money_field import MoneyField
from views.widgets.search_box import SearchBox
from views.wording import counted

RED = "#b3261e"
GREEN = "#1e7d32"
MUTED = "#80868b"


def when(value: Any) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def signed(value: int) -> str:
    return f"{value:+d}" if value else "0"


def negative_red(value: Any) -> str | None:
    return RED if isinstance(value, int) and value < 0 else None


def words(value: str) -> str:
    return value.replace("_", " ").capitalize()


def stretch_column(table: QTableView, column: int) -> None:
    """Let ``column`` (a name) take the spare width instead of the last column."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


class LocationCombo(QComboBox):
    """Locations, loaded in the background; the default one is chosen first.

    Signals:
        location_changed(object): the chosen location id (None for "All locations").
    """

    location_changed = Signal(object)

    def __init__(
        self, context: ViewContext, *, allow_all: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.setMinimumWidth(190)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._allow_all = allow_all
        self.locations: list[LocationRow] = []
        self.currentIndexChanged.connect(lambda _: self.location_changed.emit(self.location_id))
        self._store = context.store
        self._loaded_once = False
        self.reload()

    def reload(self) -> None:
        """Load the locations again (one was renamed or added), keeping the one chosen."""
        self.tasks.query(list_locations, self._store.unit_of_work(), on_done=self._on_loaded)

    def _on_loaded(self, rows: list[LocationRow]) -> None:
        chosen = self.currentData() if self._loaded_once else None
        self.blockSignals(True)
        self.clear()
        self.locations = rows
        if self._allow_all:
            self.addItem("All locations", None)
        for row in rows:
            self.addItem(row.name + (" (default)" if row.is_default else ""), row.id)
        default = next((i for i, r in enumerate(rows) if r.is_default), 0)
        if rows:
            self.setCurrentIndex(default + (1 if self._allow_all else 0))
        if self._loaded_once:
            self.setCurrentIndex(max(self.findData(chosen), 0))
            self.blockSignals(False)
            return
        self._loaded_once = True
        self.blockSignals(False)
        self.location_changed.emit(self.location_id)

    @property
    def location_id(self) -> int | None:
        data = self.currentData()
        return int(data) if data is not None else None

    def select(self, location_id: int | None) -> None:
        index = self.findData(location_id)
        if index >= 0:
            self.setCurrentIndex(index)


class ItemPickerDialog(QDialog):
    """Find an item by SKU, barcode or title (keyboard: type, arrows, Enter)."""

    def __init__(
        self,
        context: ViewContext,
        *,
        title: str = "Choose an item",
        prompt: str = "",
        candidates: list[VariantRef] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.setWindowTitle(title)
        self.resize(560, 420)
        self.chosen: VariantRef | None = None
        self.search = SearchBox("SKU, barcode or product title")
        self.search.search_changed.connect(self._on_search_changed)
        self.results = QListWidget()
        self.results.itemActivated.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if prompt:
            layout.addWidget(QLabel(prompt, wordWrap=True))
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)
        self.search.returnPressed.connect(self._on_search_return)
        if candidates:
            self._show(candidates)
        self.search.setFocus()

    def _on_search_changed(self, text: str) -> None:
        self.tasks.query(
            lambda: search_variants(self.context.store.unit_of_work(), text),
            on_done=self._show,
            label="Searching",
        )

    def _on_search_return(self) -> None:
        if self.results.count():
            self.results.setFocus()
            self.results.setCurrentRow(0)

    def _show(self, variants: list[VariantRef]) -> None:
        self.results.clear()
        for variant in variants:
            item = QListWidgetItem(variant.label)
            item.setData(Qt.ItemDataRole.UserRole, variant)
            self.results.addItem(item)
        if variants:
            self.results.setCurrentRow(0)

    def accept(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        super().accept()


@dataclass
class Line:
    variant: VariantRef
    quantity: int
    unit_cost: int | None = None


class LinesEditor(QWidget):
    """The lines of a document: scan or type a code and press Enter to add one (again to add
    one more), change quantities in the table, Delete removes a line.

    Signals:
        changed(): a line was added, removed or changed.
    """

    changed = Signal()

    def __init__(
        self,
        context: ViewContext,
        *,
        with_cost: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self._with_cost = with_cost
        self.lines: list[Line] = []
        self.code = QLineEdit(placeholderText="Scan or type a SKU or barcode, then Enter")
        self.code.returnPressed.connect(self._on_code_return_pressed)
        self.find_button = QPushButton("Find item…")
        self.find_button.clicked.connect(self._on_find_clicked)
        self.message = QLabel()
        self.message.setStyleSheet(f"color: {RED};")
        self.message.hide()
        headers = ["SKU", "Item", "Quantity"] + (["Unit cost"] if with_cost else [])
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 170)
        self.remove_button = QPushButton("Remove line")
        self.remove_button.clicked.connect(self.remove_current)
        entry = QHBoxLayout()
        entry.addWidget(self.code, 1)
        entry.addWidget(self.find_button)
        entry.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(entry)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Delete and self.table.hasFocus():
            self.remove_current()
            return
        super().keyPressEvent(event)

    def set_lines(self, lines: list[Line]) -> None:
        self.lines = []
        self.table.setRowCount(0)
        for line in lines:
            self.add(line.variant, line.quantity, line.unit_cost)

    def add(self, variant: VariantRef, quantity: int = 1, unit_cost: int | None = None) -> None:
        """Add ``quantity`` of ``variant``, or that many more if it is already a line."""
        for row, line in enumerate(self.lines):
            if line.variant.variant_id == variant.variant_id:
                spin = self.table.cellWidget(row, 2)
                assert isinstance(spin, QSpinBox)
                spin.setValue(spin.value() + quantity)
                self.table.selectRow(row)
                return
        cost = unit_cost if unit_cost is not None else (variant.cost or 0)
        line = Line(variant, quantity, cost if self._with_cost else None)
        self.lines.append(line)
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(variant.sku or ""))
        name = variant.product_title + (
            "" if variant.variant_title == "Default Title" else f" - {variant.variant_title}"
        )
        self.table.setItem(row, 1, QTableWidgetItem(name))
        spin = QSpinBox(minimum=1, maximum=1_000_000, value=quantity)
        spin.valueChanged.connect(lambda value, line=line: self._set_quantity(line, value))
        self.table.setCellWidget(row, 2, spin)
        if self._with_cost:
            money = MoneyField(self.context.money)
            money.set_value(cost)
            money.value_changed.connect(lambda value, line=line: self._set_cost(line, value))
            self.table.setCellWidget(row, 3, money)
        self.table.selectRow(row)
        self.changed.emit()

    def _set_quantity(self, line: Line, value: int) -> None:
        line.quantity = value
        self.changed.emit()

    def _set_cost(self, line: Line, value: int | None) -> None:
        line.unit_cost = value or 0
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.lines):
            self.table.removeRow(row)
            del self.lines[row]
            self.changed.emit()

    def _on_code_return_pressed(self) -> None:
        code = self.code.text().strip()
        if code:
            self.add_code(code)

    def add_code(self, code: str) -> None:
        """Look ``code`` up in the background and add one of that item."""
        self.message.hide()
        self.tasks.query(
            lookup_code,
            self.context.store.unit_of_work(),
            code,
            on_done=lambda found: self._on_code_found(code, found),
            label="Finding item",
        )

    def _on_code_found(self, code: str, found: list[VariantRef]) -> None:
        if len(found) == 1:
            self.add(found[0])
            self.code.clear()
            return
        if not found:
            self.message.setText(f"No item has the code {code}.")
            self.message.show()
            self.code.selectAll()
            return
        picker = ItemPickerDialog(
            self.context,
            title="Several items have this code",
            prompt=counted(len(found), "%Ln item(s) have the code") + f" {code}: choose one.",
            candidates=found,
            parent=self,
        )
        if picker.exec() and picker.chosen is not None:
            self.add(picker.chosen)
            self.code.clear()

    def _on_find_clicked(self) -> None:
        picker = ItemPickerDialog(self.context, parent=self)
        if picker.exec() and picker.chosen is not None:
            self.add(picker.chosen)


def confirm_text(parent: QWidget, title: str, text: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
