"""Scan to pack: scan the packing slip's order barcode, then every item into the parcel.

A USB scanner types the code and Enter; the shared ``ScannerInput`` catches it wherever the
focus is in the dialog (nobody has to click a field first), and a code typed by hand into the
field works too. A wrong item or one too many is refused with a red flash and three rings,
and nothing is counted; when every unit is in, Enter (or Ctrl+Enter) fulfils the order, and
the screen is ready for the next slip. A scan while the tracking field has the focus fills it
in: that is the carrier label's barcode.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.orders.picking import (
    PackingOrder,
    PackSession,
    ScanOutcome,
    complete_packing,
    start_packing,
)
from services.orders.rows import FulfillmentResult
from views import shortcuts
from views.context import ViewContext
from views.orders.dialogs import fit_columns
from views.widgets.scanner import ScanFeedback, ScannerInput

READY = "Scan the order barcode on the packing slip."


class ScanToPackDialog(QDialog):
    """Signals:
    order_packed(object): the FulfillmentResult of a completed parcel.
    scanned(object): every ScanOutcome, accepted or refused.
    """

    order_packed = Signal(object)
    scanned = Signal(object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Scan to pack")
        self.resize(680, 540)
        self.session: PackSession | None = None
        self.scanner = ScannerInput(self)
        self.scanner.scanned.connect(self._on_scanner_scanned)
        self.scan = QLineEdit(placeholderText="Scan the packing slip (or type its number)")
        self.scan.setStyleSheet("font-size: 18px; padding: 6px;")
        self.scan.returnPressed.connect(self._on_scan_return_pressed)
        self.tracking = QLineEdit(placeholderText="Tracking number (optional): scan the label")
        self.signal = ScanFeedback(READY)
        self.order_label = QLabel()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["SKU", "Item", "Packed"])
        fit_columns(self.table, 1)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        shortcuts.bind(shortcuts.SCAN_TO_PACK, "Ctrl+Return", self, self.complete)
        shortcuts.bind(shortcuts.SCAN_TO_PACK, "Escape", self, self.reset)
        form = QFormLayout()
        form.addRow("Scan", self.scan)
        form.addRow("Tracking", self.tracking)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.signal)
        layout.addWidget(self.order_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            QLabel(
                "Scan anywhere in this window. Enter (or Ctrl+Enter) ships a complete parcel; "
                "Esc starts over.",
                wordWrap=True,
            )
        )
        self.scan.setFocus()

    # -- scanning --------------------------------------------------------------------------

    def _on_scanner_scanned(self, code: str) -> None:
        if self.tracking.hasFocus():
            self.tracking.setText(code.strip())
            self.signal.show_result("ok", f"Tracking number {code.strip()}")
            self.scan.setFocus()
            return
        self.take(code)

    def _on_scan_return_pressed(self) -> None:
        code = self.scan.text().strip()
        self.scan.clear()
        if not code:
            if self.session is not None:
                self.complete()
            return
        self.take(code)

    def take(self, code: str) -> None:
        """A code scanned or typed: the order to pack, or the next item for the parcel."""
        code = code.strip()
        if not code:
            return
        if self.session is None:
            self._open(code)
            return
        self.on_outcome(self.session.scan(code))

    def _open(self, code: str) -> None:
        store, actor = self.context.store, self.context.actor
        self.context.tasks.change(
            lambda: start_packing(store.unit_of_work(), actor, code),
            label="Opening order",
            on_done=self._on_order_opened,
            on_error=lambda error: self.signal.show_result("error", str(error)),
        )

    def _on_order_opened(self, order: PackingOrder) -> None:
        self.session = PackSession(order)
        self.order_label.setText(f"<b>Order #{order.number}</b> — {order.customer}")
        self.table.setRowCount(len(order.lines))
        for row, line in enumerate(order.lines):
            self.table.setItem(row, 0, QTableWidgetItem(line.sku or ""))
            self.table.setItem(row, 1, QTableWidgetItem(line.title))
        self._refresh()
        self.scan.setPlaceholderText("Scan each item (or type its SKU)")
        self.signal.show_result("ok", f"Order #{order.number}: scan each item.")

    def on_outcome(self, outcome: ScanOutcome) -> None:
        self.scanned.emit(outcome)
        self._refresh()
        if not outcome.accepted:
            self.signal.show_result("error", outcome.message)
        elif self.session is not None and self.session.is_complete:
            self.signal.show_result("ok", f"{outcome.message}. Complete: press Enter to ship.")
        else:
            self.signal.show_result("ok", outcome.message)

    def _refresh(self) -> None:
        if self.session is None:
            return
        for row, line in enumerate(self.session.order.lines):
            packed = self.session.packed_of(line.line_id)
            item = QTableWidgetItem(f"{packed} / {line.to_pack}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if packed >= line.to_pack:
                item.setForeground(Qt.GlobalColor.darkGreen)
            self.table.setItem(row, 2, item)

    # -- completing ------------------------------------------------------------------------

    def complete(self) -> None:
        """Fulfil the parcel once every unit is in it."""
        session = self.session
        if session is None:
            return
        if not session.is_complete:
            self.signal.show_result("warn", f"{session.units_left} more to scan before shipping.")
            return
        store, actor = self.context.store, self.context.actor
        tracking = self.tracking.text().strip() or None
        self.context.tasks.change(
            lambda: complete_packing(
                store.unit_of_work(), actor, session, tracking_number=tracking
            ),
            label="Shipping",
            on_done=self._on_packed,
            on_error=lambda error: self.signal.show_result("error", str(error)),
        )

    def _on_packed(self, result: FulfillmentResult) -> None:
        self.order_packed.emit(result)
        self.reset()
        self.signal.show_result(
            "ok", f"Order #{result.number} is {result.status}. Scan the next packing slip."
        )

    def reset(self) -> None:
        self.session = None
        self.table.setRowCount(0)
        self.order_label.clear()
        self.tracking.clear()
        self.scan.setPlaceholderText("Scan the packing slip (or type its number)")
        self.scan.setFocus()
        self.signal.show_result("idle", READY, sound=False)
