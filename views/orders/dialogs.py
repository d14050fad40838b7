"""Order dialogs: fulfil with tracking, cancel, record a payment, refund, return.

Dialogs collect input; the page gives each the service call it saves with (``saves_with``).
Each is opened with ``open()`` (window-modal, not blocking), so the UI thread never waits; a
refused value stays in the dialog with the message on its field, and closing over changes
not saved asks first.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.money import MoneyError, MoneyFormat
from models.status import ReturnDisposition
from services.errors import DomainError
from services.orders import LineChange
from services.orders.rows import LineDetail, OrderDetail
from views.widgets.forms import FormDialog
from views.widgets.money_field import MoneyField

CARRIERS = ("", "UPS", "USPS", "FedEx", "DHL", "Royal Mail", "Canada Post", "Other")


def _buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def fit_columns(table: QTableWidget, stretch: int) -> None:
    """Columns as wide as their contents, ``stretch`` taking the rest; rows one line high."""
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _number_item(value: int) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _line_title(line: LineDetail) -> str:
    return (
        f"{line.product_title} — {line.variant_title}"
        if line.variant_title
        else (line.product_title)
    )


class _LineQuantities(QTableWidget):
    """Lines with a quantity spin box each, up to what is left on the line."""

    def __init__(self, lines: list[tuple[LineDetail, int]], parent: QWidget | None = None):
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels(["SKU", "Item", "Left", "Quantity"])
        fit_columns(self, 1)
        self.spins: dict[int, QSpinBox] = {}
        self.set_lines(lines)

    def set_lines(self, lines: list[tuple[LineDetail, int]]) -> None:
        """Show these lines, each with all that is left on it chosen."""
        self.setRowCount(len(lines))
        self.spins = {}
        for row, (line, left) in enumerate(lines):
            self.setItem(row, 0, QTableWidgetItem(line.sku or ""))
            title = QTableWidgetItem(_line_title(line))
            title.setToolTip(title.text())
            self.setItem(row, 1, title)
            self.setItem(row, 2, _number_item(left))
            spin = QSpinBox(maximum=left, value=left)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.setCellWidget(row, 3, spin)
            self.spins[line.id] = spin

    def quantities(self) -> dict[int, int]:
        return {line_id: spin.value() for line_id, spin in self.spins.items() if spin.value()}


class FulfilDialog(FormDialog):
    """Choose lines and quantities at a location, with carrier and tracking number."""

    saves_on_close = False  # its OK is an action, not a save

    def __init__(self, detail: OrderDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Fulfil order #{detail.number}")
        self.resize(680, 380)
        # the locations by name, each once, in the order people read them
        places = {
            ln.location_id: ln.location_name or ln.location_code or ""
            for ln in detail.lines
            if ln.unfulfilled
        }
        self.location = QComboBox()
        for location_id, name in sorted(places.items(), key=lambda place: place[1]):
            self.location.addItem(name, location_id)
        self._detail = detail
        self.lines = _LineQuantities([])
        self.carrier = QComboBox(editable=True)
        self.carrier.addItems(CARRIERS)
        self.tracking = QLineEdit(placeholderText="Scan or type the tracking number")
        form = QFormLayout()
        form.addRow("Ship from", self.location)
        form.addRow("Carrier", self.carrier)
        form.addRow("Tracking number", self.field("tracking_number", self.tracking))
        self._box = QVBoxLayout(self)
        self._box.addLayout(form)
        self._box.addWidget(self.lines)
        self._box.addWidget(self.message)
        self._box.addWidget(_buttons(self, "Fulfil"))
        self.location.currentIndexChanged.connect(self._on_location_current_index_changed)
        self._on_location_current_index_changed()
        self.tracking.setFocus()

    def _on_location_current_index_changed(self, _index: int = 0) -> None:
        location_id = self.location.currentData()
        self.lines.set_lines(
            [
                (ln, ln.unfulfilled)
                for ln in self._detail.lines
                if ln.unfulfilled > 0 and ln.location_id == location_id
            ]
        )

    def form_state(self) -> dict[str, object]:
        return {**self.values(), "location_id": self.location.currentIndex()}

    def values(self) -> dict[str, object]:
        return {
            "location_id": self.location.currentData(),
            "quantities": self.lines.quantities(),
            "carrier": self.carrier.currentText().strip() or None,
            "tracking_number": self.tracking.text().strip() or None,
        }


class CancelDialog(FormDialog):
    saves_on_close = False  # its OK is an action, not a save

    def __init__(
        self, detail: OrderDetail, money: MoneyFormat, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Cancel order #{detail.number}")
        self.reason = QLineEdit(placeholderText="Why? (the customer sees no text; staff do)")
        self.restock = QCheckBox("Put units already fulfilled back in stock")
        self.restock.setVisible(any(ln.fulfilled_quantity for ln in detail.lines))
        form = QFormLayout(self)
        form.addRow(QLabel("Committed stock is released. Payments are not refunded here."))
        form.addRow("Reason", self.field("reason", self.reason))
        form.addRow(self.restock)
        if detail.state.refundable > 0:
            form.addRow(
                QLabel(
                    f"{money.in_currency(detail.currency).format(detail.state.refundable)} was "
                    "paid: refund it afterwards."
                )
            )
        form.addRow(self.message)
        form.addRow(_buttons(self, "Cancel order"))

    def form_state(self) -> dict[str, object]:
        return {"reason": self.reason.text(), "restock": self.restock.isChecked()}


class MoneyDialog(FormDialog):
    """An amount (payment or refund), with an idempotency key fixed when the dialog opens so
    a double-clicked or retried OK does the work once."""

    saves_on_close = False  # its OK is an action, not a save

    def __init__(
        self,
        title: str,
        label: str,
        suggested: int,
        money: MoneyFormat,
        parent: QWidget | None = None,
        *,
        reason: bool = False,
        hint: str = "",
        ok: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.money = money
        self.idempotency_key = uuid.uuid4().hex
        self.amount = MoneyField(money)
        self.amount.set_value(max(suggested, 0))
        self.amount.selectAll()
        self.reason = QLineEdit(placeholderText="Shown on the timeline")
        form = QFormLayout(self)
        if hint:
            form.addRow(QLabel(hint, wordWrap=True))
        form.addRow(label, self.field("amount", self.amount))
        if reason:
            form.addRow("Reason", self.field("reason", self.reason))
        form.addRow(self.message)
        form.addRow(_buttons(self, ok or title.split(" ")[0]))

    def form_state(self) -> dict[str, object]:
        return {"amount": self.amount.text(), "reason": self.reason.text()}

    def save(self) -> None:
        try:
            self.minor()
        except MoneyError as error:
            self.show_message("amount", str(error))
            return
        super().save()

    def error_field(self, error: DomainError) -> str | None:
        return "amount"

    def minor(self) -> int:
        return self.money.parse(self.amount.text()).minor


class ReturnDialog(FormDialog):
    """Per line: how many come back and what happens to them."""

    DISPOSITIONS = (
        ("Back to stock", ReturnDisposition.RESTOCK),
        ("Damaged", ReturnDisposition.DAMAGED),
        ("Write off", ReturnDisposition.WRITE_OFF),
    )

    saves_on_close = False  # its OK is an action, not a save

    def __init__(self, detail: OrderDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Return from order #{detail.number}")
        self.resize(760, 360)
        lines = [ln for ln in detail.lines if ln.returnable > 0]
        self.table = QTableWidget(len(lines), 5)
        self.table.setHorizontalHeaderLabels(["SKU", "Item", "Shipped", "Coming back", "Goes to"])
        fit_columns(self.table, 1)
        self.rows: list[tuple[LineDetail, QSpinBox, QComboBox]] = []
        for row, line in enumerate(lines):
            self.table.setItem(row, 0, QTableWidgetItem(line.sku or ""))
            title = QTableWidgetItem(_line_title(line))
            title.setToolTip(title.text())
            self.table.setItem(row, 1, title)
            self.table.setItem(row, 2, _number_item(line.returnable))
            spin = QSpinBox(maximum=line.returnable)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            combo = QComboBox()
            for label, value in self.DISPOSITIONS:
                combo.addItem(label, value)
            self.table.setCellWidget(row, 3, spin)
            self.table.setCellWidget(row, 4, combo)
            self.rows.append((line, spin, combo))
        self.note = QPlainTextEdit(maximumHeight=60, placeholderText="Note (optional)")
        self.refund = QCheckBox("Refund what these units were paid")
        self.refund.setChecked(detail.state.refundable > 0)
        self.refund.setEnabled(detail.state.refundable > 0)
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        box.addWidget(self.note)
        box.addWidget(self.refund)
        box.addWidget(self.message)
        box.addWidget(_buttons(self, "Record return"))
        self.idempotency_key = uuid.uuid4().hex

    def form_state(self) -> dict[str, object]:
        return {
            "lines": tuple((spin.value(), combo.currentIndex()) for _, spin, combo in self.rows),
            "note": self.note.toPlainText(),
            "refund": self.refund.isChecked(),
        }


class EditLinesDialog(FormDialog):
    """Change quantities (0 removes a line) or add products, before the order is packed.

    ``changes()`` gives the service's LineChange list; the order's version is sent along so an
    edit made meanwhile elsewhere is a conflict, not an overwrite.
    """

    def __init__(self, detail: OrderDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit order #{detail.number}")
        self.resize(680, 380)
        self.detail = detail
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["SKU", "Item", "Quantity"])
        fit_columns(self.table, 1)
        self.rows: list[tuple[int | None, int | None, int, QSpinBox]] = []
        for line in detail.lines:
            self._add_row(
                line.id, line.variant_id, line.sku or "", _line_title(line), line.quantity
            )
        self.add = QLineEdit(placeholderText="Add a product: scan or type its SKU, then Enter")
        self.note = QLineEdit(placeholderText="Why (shown on the timeline)")
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        box.addWidget(self.add)
        box.addWidget(self.note)
        box.addWidget(QLabel("Stock is reserved or released and totals recomputed on save."))
        box.addWidget(self.message)
        box.addWidget(_buttons(self, "Save changes"))

    def form_state(self) -> dict[str, object]:
        return {
            "lines": tuple(
                (line_id, variant_id, spin.value()) for line_id, variant_id, _, spin in self.rows
            ),
            "add": self.add.text(),
            "note": self.note.text(),
        }

    def _add_row(
        self, line_id: int | None, variant_id: int | None, sku: str, title: str, quantity: int
    ) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(sku))
        self.table.setItem(row, 1, QTableWidgetItem(title))
        spin = QSpinBox(maximum=100_000, value=quantity)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.table.setCellWidget(row, 2, spin)
        self.rows.append((line_id, variant_id, quantity, spin))

    def add_variant(self, variant_id: int, sku: str, title: str) -> None:
        self._add_row(None, variant_id, sku, title, 1)

    def changes(self) -> list[LineChange]:
        out = []
        for line_id, variant_id, before, spin in self.rows:
            if line_id is None and spin.value() > 0:
                out.append(LineChange(spin.value(), variant_id=variant_id))
            elif line_id is not None and spin.value() != before:
                out.append(LineChange(spin.value(), line_id=line_id))
        return out
