"""Dialogs of the stock list: adjust (one line or a document), move between states, reorder
point, a variant's full history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.errors import Conflict, DomainError
from services.inventory.adjustments import (
    ADJUSTMENT_REASONS,
    MOVABLE_STATES,
    REASON_LABELS,
    AdjustmentLine,
    AdjustmentResult,
    StateMove,
    adjust_stock,
    move_between_states,
    unusual_change,
)
from services.inventory.history import variant_history
from services.inventory.levels import (
    STATE_NAMES,
    StockRow,
    lookup_code,
    stock_of_variant,
    stock_rows,
)
from services.inventory.replenishment import ReorderRule, set_reorder_rules
from views.context import ViewContext
from views.inventory.common import RED, ItemPickerDialog, negative_red, when
from views.widgets.forms import FormDialog
from views.widgets.keys import ConfirmDialog, ScanField
from views.widgets.lazy_table import RIGHT, Column, KeysetTableModel
from views.widgets.table_view import ListView

#: the states an adjustment line changes, as the dialog names them
ADJUST_STATES = (
    ("on_hand", "On hand"),
    ("damaged", "Damaged"),
    ("quality_control", "Quality control"),
    ("safety_stock", "Safety stock"),
    ("other_unavailable", "Other unavailable"),
)


class AdjustDialog(FormDialog):
    """Adjust one or many items at one location with a reason and a note.

    Each line has the figure now, a change and the new figure; typing either updates the
    other. "Set to" lines carry the figure the person saw, so if it changed meanwhile the
    whole document is refused instead of applied to different stock. A line that takes on
    hand below zero or changes it by a lot is named in a question before anything is saved.

    Attributes:
        question: the "save anyway?" question open now (None when nothing was unusual).

    Signals:
        adjusted(object): the AdjustmentResult once saved.
    """

    adjusted = Signal(object)

    def __init__(
        self,
        context: ViewContext,
        location_id: int,
        location_name: str,
        rows: list[StockRow],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.location_id = location_id
        self.setWindowTitle(f"Adjust stock at {location_name}")
        self.resize(760, 460)
        self.rows: list[StockRow] = []
        self.reason = QComboBox()
        for reason in ADJUSTMENT_REASONS:
            self.reason.addItem(REASON_LABELS[reason], reason.value)
        self.note = QLineEdit(placeholderText="What happened (shown in the ledger)")
        self.code = ScanField(placeholderText="Scan or type a SKU to add a line, then Enter")
        self.question: ConfirmDialog | None = None
        self.code.returnPressed.connect(self._on_code_return_pressed)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["SKU", "Item", "State", "Now", "Change", "New"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(2, 150)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {RED};")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Location", QLabel(f"<b>{location_name}</b>"))
        form.addRow("Reason", self.reason)
        form.addRow("Note", self.note)
        form.addRow("Add item", self.code)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for row in rows:
            self.add_row(row)
        if self.rows:
            self._change_spin(0).setFocus()
            self._change_spin(0).selectAll()

    # -- lines -----------------------------------------------------------------------------

    def add_row(self, row: StockRow) -> None:
        if any(r.variant_id == row.variant_id for r in self.rows):
            return
        self.rows.append(row)
        n = self.table.rowCount()
        self.table.insertRow(n)
        self.table.setItem(n, 0, QTableWidgetItem(row.sku or ""))
        name = row.product_title + (
            "" if row.variant_title == "Default Title" else f" - {row.variant_title}"
        )
        self.table.setItem(n, 1, QTableWidgetItem(name))
        state = QComboBox()
        for key, label in ADJUST_STATES:
            state.addItem(label, key)
        self.table.setCellWidget(n, 2, state)
        now = QTableWidgetItem()
        now.setTextAlignment(RIGHT)
        self.table.setItem(n, 3, now)
        change = QSpinBox(minimum=-1_000_000, maximum=1_000_000)
        new = QSpinBox(minimum=-1_000_000, maximum=1_000_000)
        change.setAlignment(Qt.AlignmentFlag.AlignRight)
        new.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.table.setCellWidget(n, 4, change)
        self.table.setCellWidget(n, 5, new)
        change.valueChanged.connect(lambda _: self._sync(n, from_change=True))
        new.valueChanged.connect(lambda _: self._sync(n, from_change=False))
        state.currentIndexChanged.connect(lambda _: self._show_now(n))
        self._show_now(n)

    def _current(self, n: int) -> int:
        state = self.table.cellWidget(n, 2)
        assert isinstance(state, QComboBox)
        return int(getattr(self.rows[n], state.currentData()))

    def _change_spin(self, n: int) -> QSpinBox:
        spin = self.table.cellWidget(n, 4)
        assert isinstance(spin, QSpinBox)
        return spin

    def _new_spin(self, n: int) -> QSpinBox:
        spin = self.table.cellWidget(n, 5)
        assert isinstance(spin, QSpinBox)
        return spin

    def _show_now(self, n: int) -> None:
        item = self.table.item(n, 3)
        assert item is not None
        item.setText(str(self._current(n)))
        self._sync(n, from_change=True)

    def _sync(self, n: int, *, from_change: bool) -> None:
        change, new = self._change_spin(n), self._new_spin(n)
        current = self._current(n)
        target, value = (
            (new, current + change.value())
            if from_change
            else (
                change,
                new.value() - current,
            )
        )
        target.blockSignals(True)
        target.setValue(value)
        target.blockSignals(False)

    def _on_code_return_pressed(self) -> None:
        code = self.code.text().strip()
        if not code:
            return
        self.tasks.query(
            lookup_code,
            self.context.store.unit_of_work(),
            code,
            on_done=lambda found: self._on_code_found(code, found),
            label="Finding item",
        )

    def _on_code_found(self, code: str, found: list[Any]) -> None:
        if not found:
            self.message.setText(f"No item has the code {code}.")
            return
        variant = found[0]
        if len(found) > 1:
            picker = ItemPickerDialog(self.context, candidates=found, parent=self)
            if not picker.exec() or picker.chosen is None:
                return
            variant = picker.chosen
        self.code.clear()
        self.tasks.query(
            stock_rows,
            self.context.store.unit_of_work(),
            self.location_id,
            [variant.variant_id],
            on_done=lambda rows: [self.add_row(r) for r in rows],
        )

    # -- saving ----------------------------------------------------------------------------

    def lines(self) -> list[AdjustmentLine]:
        lines = []
        for n, row in enumerate(self.rows):
            state = self.table.cellWidget(n, 2)
            assert isinstance(state, QComboBox)
            change = self._change_spin(n).value()
            if change:
                lines.append(
                    AdjustmentLine(
                        row.variant_id,
                        self.location_id,
                        change=change,
                        state=state.currentData(),
                        expected=self._current(n),
                    )
                )
        return lines

    def save(self) -> None:
        """Save the lines, after asking when one of them is unusual (``unusual_change``)."""
        self.message.clear()
        lines = self.lines()
        if not lines:
            self.message.setText("Change at least one quantity.")
            return
        unusual = [
            f"• {row.sku or row.product_title} {said}"
            for n, row in enumerate(self.rows)
            if (said := unusual_change(row.on_hand, self._change_spin(n).value()))
        ]
        if not unusual:
            self._save(lines)
            return
        note = self.note.text().strip()
        self.question = ConfirmDialog(
            "Check this adjustment",
            "\n".join(
                [
                    "Please check before saving:",
                    *unusual,
                    "",
                    f"Note: {note}" if note else "No note says why.",
                    "The ledger keeps it for good; only another adjustment undoes it.",
                ]
            ),
            "Save anyway",
            self,
        )
        self.question.accepted.connect(lambda: self._save(lines))
        self.question.open()

    def _save(self, lines: list[AdjustmentLine]) -> None:
        self.tasks.change(
            lambda: adjust_stock(
                self.context.store.unit_of_work(),
                self.context.actor,
                lines,
                reason=self.reason.currentData(),
                note=self.note.text().strip() or None,
            ),
            on_done=self._on_saved,
            on_error=self._on_failed,
            label="Adjusting stock",
            busy=self.buttons,
        )

    def form_state(self) -> dict[str, object]:
        return {
            "reason": self.reason.currentIndex(),
            "note": self.note.text(),
            "lines": tuple(
                (row.variant_id, self._change_spin(n).value()) for n, row in enumerate(self.rows)
            ),
            "states": tuple(
                getattr(self.table.cellWidget(n, 2), "currentIndex", int)()
                for n in range(len(self.rows))
            ),
        }

    def _on_saved(self, result: AdjustmentResult) -> None:
        self.adjusted.emit(result)
        self._saved(result)

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, Conflict):
            # someone changed the stock meanwhile: show the new figures, keep what was typed
            ids = [r.variant_id for r in self.rows]
            self.tasks.query(
                stock_rows,
                self.context.store.unit_of_work(),
                self.location_id,
                ids,
                on_done=self._refresh_rows,
            )
        self.message.setText(str(error) if isinstance(error, DomainError) else "Not saved.")
        if not isinstance(error, DomainError):
            self.tasks.report_error(error, self)

    def _refresh_rows(self, rows: list[StockRow]) -> None:
        by_id = {r.variant_id: r for r in rows}
        for n, row in enumerate(self.rows):
            if row.variant_id in by_id:
                self.rows[n] = by_id[row.variant_id]
                item = self.table.item(n, 3)
                assert item is not None
                item.setText(str(self._current(n)))
                self._sync(n, from_change=True)


class MoveStateDialog(FormDialog):
    """Move a quantity of one item between available and an unavailable state."""

    moved = Signal(object)

    def __init__(self, context: ViewContext, row: StockRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context, self.row = context, row
        self.setWindowTitle(f"Move {row.sku or row.product_title} between states")
        self.from_state = QComboBox()
        self.to_state = QComboBox()
        for state in MOVABLE_STATES:
            label = f"{STATE_NAMES[state].capitalize()} ({getattr(row, state)})"
            self.from_state.addItem(label, state)
            self.to_state.addItem(STATE_NAMES[state].capitalize(), state)
        self.to_state.setCurrentIndex(1)
        self.quantity = QSpinBox(minimum=1, maximum=1_000_000)
        self.reason = QComboBox()
        self.reason.addItem("Moved between states", "state_change")
        for reason in ADJUSTMENT_REASONS:
            self.reason.addItem(REASON_LABELS[reason], reason.value)
        self.note = QLineEdit()
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {RED};")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Quantity", self.quantity)
        form.addRow("From", self.from_state)
        form.addRow("To", self.to_state)
        form.addRow("Reason", self.reason)
        form.addRow("Note", self.note)
        form.addRow(self.message)
        form.addRow(self.buttons)
        self.quantity.setFocus()
        self.quantity.selectAll()

    def form_state(self) -> dict[str, object]:
        combos = (self.from_state, self.to_state, self.reason)
        return {"move": (self.quantity.value(), *(c.currentIndex() for c in combos))}

    def save(self) -> None:
        move = StateMove(
            self.row.variant_id,
            self.row.location_id,
            self.quantity.value(),
            self.from_state.currentData(),
            self.to_state.currentData(),
        )
        self.tasks.change(
            lambda: move_between_states(
                self.context.store.unit_of_work(),
                self.context.actor,
                [move],
                reason=self.reason.currentData(),
                note=self.note.text().strip() or None,
            ),
            on_done=lambda result: (self.moved.emit(result), self._saved(result)),
            on_error=lambda error: self.message.setText(str(error)),
            label="Moving stock",
            busy=self.buttons,
        )


class ReorderDialog(FormDialog):
    """The reorder point and quantity of one item at one location."""

    def __init__(self, context: ViewContext, row: StockRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context, self.row = context, row
        self.setWindowTitle(f"Reorder point of {row.sku or row.product_title}")
        self.enabled = QCheckBox("Warn when available stock is at or below")
        self.point = QSpinBox(minimum=0, maximum=1_000_000, value=row.reorder_point or 0)
        self.quantity = QSpinBox(minimum=0, maximum=1_000_000, value=row.reorder_quantity or 0)
        self.quantity.setSpecialValueText("Enough to get above the point")
        self.enabled.setChecked(row.reorder_point is not None)
        self.enabled.toggled.connect(self.point.setEnabled)
        self.enabled.toggled.connect(self.quantity.setEnabled)
        self.point.setEnabled(self.enabled.isChecked())
        self.quantity.setEnabled(self.enabled.isChecked())
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {RED};")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.enabled)
        form.addRow("Reorder point", self.point)
        form.addRow("Order", self.quantity)
        form.addRow(self.message)
        form.addRow(self.buttons)

    def form_state(self) -> dict[str, object]:
        return {"rule": (self.enabled.isChecked(), self.point.value(), self.quantity.value())}

    def save(self) -> None:
        rule = ReorderRule(
            self.row.variant_id,
            self.row.location_id,
            self.point.value() if self.enabled.isChecked() else None,
            self.quantity.value() or None,
        )
        self.tasks.change(
            lambda: set_reorder_rules(
                self.context.store.unit_of_work(), self.context.actor, [rule]
            ),
            on_done=self._saved,
            on_error=lambda error: self.message.setText(str(error)),
            busy=self.buttons,
        )


HISTORY_COLUMNS = [
    Column("occurred_at", "When", format=when, width=16),
    Column("location_name", "Location", width=18),
    Column("changes", "Change", width=26),
    Column("on_hand_after", "On hand after", align=RIGHT, width=14),
    Column("available_after", "Available after", align=RIGHT, color=negative_red, width=15),
    Column("reason_label", "Reason", width=21),
    Column("document", "Document", width=24),
    Column("staff_name", "By", width=16),
    Column("note", "Note", width=24),
]


class VariantHistoryDialog(QDialog):
    """Everything that ever happened to one item's stock, newest first, with the figures
    after each movement, and its stock at every location now."""

    def __init__(
        self, context: ViewContext, variant_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context, self.variant_id = context, variant_id
        self.setWindowTitle("Stock history")
        self.resize(1100, 620)
        self.heading = QLabel(objectName="pageTitle")
        self.levels = QTableWidget(0, 7)
        self.levels.setHorizontalHeaderLabels(
            ["Location", "Bin", "On hand", "Committed", "Unavailable", "Available", "Incoming"]
        )
        self.levels.verticalHeader().hide()
        self.levels.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.levels.setMaximumHeight(150)
        self.levels.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.levels.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.model = KeysetTableModel(
            HISTORY_COLUMNS,
            lambda request: variant_history(context.store.unit_of_work(), variant_id, request),
            context.tasks,
        )
        self.table = ListView(
            self.model,
            settings=context.settings,
            settings_key="inventory/history",
            empty_text="This item has no stock movements here yet.",
        )
        self.table.setSortingEnabled(False)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.levels)
        layout.addWidget(QLabel("Movements, newest first"))
        layout.addWidget(self.table, 1)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        self.tasks.query(
            stock_of_variant,
            self.context.store.unit_of_work(),
            self.variant_id,
            on_done=self._on_stock,
        )
        self.model.set_query(filters={})

    def _on_stock(self, result: tuple[Any, list[StockRow]]) -> None:
        ref, rows = result
        self.heading.setText(ref.label)
        self.levels.setRowCount(0)
        for row in rows:
            n = self.levels.rowCount()
            self.levels.insertRow(n)
            values = [
                row.location_name,
                row.bin_code or "",
                row.on_hand,
                row.committed,
                row.unavailable,
                row.available,
                row.incoming,
            ]
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if c >= 2:
                    item.setTextAlignment(RIGHT)
                if c == 5 and isinstance(value, int) and value < 0:
                    item.setForeground(Qt.GlobalColor.red)
                self.levels.setItem(n, c, item)


__all__ = [
    "AdjustDialog",
    "MoveStateDialog",
    "ReorderDialog",
    "VariantHistoryDialog",
]
