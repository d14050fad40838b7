"""Bulk edit: choose changes, preview every row before and after, apply in one transaction;
and the history of bulk edits, each revertible from its audit entry."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.money import MoneyFormat
from services.catalog.bulk import (
    BulkEdit,
    BulkEditEntry,
    BulkPreview,
    BulkResult,
    RevertResult,
    Selection,
    apply_bulk_edit,
    list_bulk_edits,
    preview_bulk_edit,
    revert_bulk_edit,
)
from services.catalog.queries import list_collections
from services.catalog.records import CollectionRow
from services.catalog.rules import Adjustment, AmountChange, Rounding
from services.errors import ValidationFailed
from views.context import ViewContext
from views.widgets.forms import FormDialog
from views.widgets.lazy_table import Column, RowsTableModel
from views.widgets.money_field import MoneyField, PercentField
from views.wording import counted

_ADJUSTMENTS = (
    ("Leave as is", None),
    ("Set to", Adjustment.SET),
    ("Raise by amount", Adjustment.INCREASE_BY),
    ("Lower by amount", Adjustment.DECREASE_BY),
    ("Raise by %", Adjustment.INCREASE_PERCENT),
    ("Lower by %", Adjustment.DECREASE_PERCENT),
)
_ROUNDINGS = (
    ("No rounding", Rounding.NONE),
    ("End in .99", Rounding.END_99),
    ("End in .95", Rounding.END_95),
    ("End in .90", Rounding.END_90),
    ("Whole amounts", Rounding.WHOLE),
)
_FIELD_NAMES = {
    "price": "Price",
    "compare_at_price": "Compare-at",
    "cost": "Cost",
    "inventory_policy": "When sold out",
    "status": "Status",
    "tags": "Tags",
    "collection_ids": "Collections",
}


class AmountEditor(QWidget):
    """How one money field changes: an adjustment, its value, and the rounding."""

    def __init__(
        self, name: str, money: MoneyFormat, *, clearable: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name  # the BulkEdit field it changes, as refusals name it
        self.adjustment = QComboBox()
        for label, value in _ADJUSTMENTS:
            self.adjustment.addItem(label, value)
        if clearable:
            self.adjustment.addItem("Clear", Adjustment.CLEAR)
        self.amount = MoneyField(money, allow_empty=True)
        self.percent = PercentField(money, allow_empty=True)
        self.rounding = QComboBox()
        for label, rounding in _ROUNDINGS:
            self.rounding.addItem(label, rounding)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.adjustment)
        for field in (self.amount, self.percent):
            field.setMaximumWidth(110)
            layout.addWidget(field)
        layout.addWidget(self.rounding)
        layout.addStretch(1)
        self.adjustment.currentIndexChanged.connect(lambda _: self._show_field())
        self._show_field()

    @property
    def by_percent(self) -> bool:
        return self.adjustment.currentData() in (
            Adjustment.INCREASE_PERCENT,
            Adjustment.DECREASE_PERCENT,
        )

    @property
    def value(self) -> MoneyField | PercentField:
        """The field the adjustment reads: a rate for the percentages, else an amount."""
        return self.percent if self.by_percent else self.amount

    def _show_field(self) -> None:
        adjustment = self.adjustment.currentData()
        self.percent.setVisible(self.by_percent)
        self.amount.setVisible(not self.by_percent)
        self.value.setEnabled(adjustment not in (None, Adjustment.CLEAR))

    def change(self) -> AmountChange | None:
        """The change, or None when left as is. Raises ValidationFailed for a bad value."""
        adjustment = self.adjustment.currentData()
        if adjustment is None:
            return None
        rounding = self.rounding.currentData()
        if adjustment is Adjustment.CLEAR:
            return AmountChange(Adjustment.CLEAR)
        value = self.value.value()
        if value is None:
            what = "a percentage" if self.by_percent else "an amount"
            raise self._refused(f"“{self.value.text().strip()}” is not {what}.")
        return AmountChange(adjustment, value, rounding)  # the service refuses a negative one

    def _refused(self, message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={self.name: message})


class PreviewModel(RowsTableModel):
    """The preview's rows: each variant with its values before and after."""

    def __init__(self, money: MoneyFormat, parent: Any = None) -> None:
        super().__init__(
            [
                Column("product_title", "Product"),
                Column("variant_title", "Variant"),
                Column("sku", "SKU"),
                Column("before", "Before", value=lambda row: self._describe(row.before)),
                Column(
                    "after",
                    "After",
                    value=lambda row: self._describe(row.after) if row.changes else "no change",
                    color=lambda shown: "#80868b" if shown == "no change" else None,
                ),
                Column(
                    "warnings",
                    "Note",
                    value=lambda row: "; ".join(row.warnings),
                    color=lambda shown: "#8a6d00" if shown else None,
                ),
            ],
            parent,
        )
        self.money = money
        self.collections: dict[int, str] = {}

    def _describe(self, values: dict[str, Any]) -> str:
        parts = []
        for key, value in values.items():
            if key in ("price", "compare_at_price", "cost"):
                shown = self.money.format(value) if value is not None else "(none)"
            elif key == "tags":
                shown = ", ".join(value) or "(none)"
            elif key == "collection_ids":
                shown = ", ".join(self.collections.get(c, f"#{c}") for c in value) or "(none)"
            elif key == "inventory_policy":
                shown = "keep selling" if value == "continue" else "stop selling"
            else:
                shown = str(value)
            parts.append(f"{_FIELD_NAMES.get(key, key)} {shown}")
        return "; ".join(parts)


class BulkEditDialog(FormDialog):
    """Signals:
    applied(object): the BulkResult after the edit was applied.
    """

    applied = Signal(object)
    saves_on_close = False  # applying to every matching variant is done on purpose, by Apply

    def __init__(
        self,
        context: ViewContext,
        selection: Selection,
        described: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.selection = selection
        self.preview: BulkPreview | None = None
        self._previewed: BulkEdit | None = None
        self.setWindowTitle("Bulk edit")
        self.resize(980, 640)
        self.heading = QLabel(f"Changes for {described}.")
        self.price = AmountEditor("price", context.money, clearable=False)
        self.compare_at = AmountEditor("compare_at_price", context.money, clearable=True)
        self.cost = AmountEditor("cost", context.money, clearable=True)
        self.status = QComboBox()
        for label, value in (
            ("Leave as is", None),
            ("Draft", "draft"),
            ("Active", "active"),
            ("Archived", "archived"),
        ):
            self.status.addItem(label, value)
        self.policy = QComboBox()
        for label, value in (
            ("Leave as is", None),
            ("Stop selling", "deny"),
            ("Keep selling (backorders)", "continue"),
        ):
            self.policy.addItem(label, value)
        self.add_tags = QLineEdit()
        self.add_tags.setPlaceholderText("sale, summer")
        self.remove_tags = QLineEdit()
        self.add_collection = QComboBox()
        self.remove_collection = QComboBox()
        for combo in (self.add_collection, self.remove_collection):
            combo.addItem("(none)", None)
        for combo in (self.status, self.policy, self.add_collection, self.remove_collection):
            combo.setMaximumWidth(320)
        for field in (self.add_tags, self.remove_tags):
            field.setMaximumWidth(320)
        form = QFormLayout()
        form.addRow("Price", self.field("price", self.price))
        form.addRow("Compare-at price", self.field("compare_at_price", self.compare_at))
        form.addRow("Cost", self.field("cost", self.cost))
        form.addRow("Status", self.status)
        form.addRow("When sold out", self.policy)
        form.addRow("Add tags", self.add_tags)
        form.addRow("Remove tags", self.remove_tags)
        form.addRow("Add to collection", self.add_collection)
        form.addRow("Remove from collection", self.remove_collection)

        self.model = PreviewModel(context.money, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel("Choose the changes, then preview them.", objectName="summary")
        self.preview_button = QPushButton("Preview")
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.run_preview)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        context.tasks.query(
            list_collections, context.store.unit_of_work(), on_done=self._on_collections
        )

    def _on_collections(self, collections: list[CollectionRow]) -> None:
        self.model.collections = {c.id: c.title for c in collections}
        for combo in (self.add_collection, self.remove_collection):
            for c in collections:
                combo.addItem(c.title, c.id)

    def edit(self) -> BulkEdit:
        """The changes chosen. Raises ValidationFailed."""

        def tags(field: QLineEdit) -> tuple[str, ...]:
            return tuple(t.strip() for t in field.text().split(",") if t.strip())

        add = self.add_collection.currentData()
        remove = self.remove_collection.currentData()
        return BulkEdit(
            price=self.price.change(),
            compare_at_price=self.compare_at.change(),
            cost=self.cost.change(),
            status=self.status.currentData(),
            inventory_policy=self.policy.currentData(),
            add_tags=tags(self.add_tags),
            remove_tags=tags(self.remove_tags),
            add_collection_ids=(add,) if add else (),
            remove_collection_ids=(remove,) if remove else (),
        )

    def form_state(self) -> dict[str, object]:
        amounts = (self.price, self.compare_at, self.cost)
        return {
            "amounts": tuple(
                (a.adjustment.currentIndex(), a.value.text(), a.rounding.currentIndex())
                for a in amounts
            ),
            "choices": tuple(
                c.currentData()
                for c in (self.status, self.policy, self.add_collection, self.remove_collection)
            ),
            "tags": (self.add_tags.text(), self.remove_tags.text()),
        }

    def run_preview(self) -> None:
        try:
            edit = self.edit()
        except ValidationFailed as error:
            self.show_error(error)
            return
        self.clear_messages()
        self.summary.setText("Working out every row…")
        self.context.tasks.query(
            preview_bulk_edit,
            self.context.store.unit_of_work(),
            self.selection,
            edit,
            label="Previewing the bulk edit",
            busy=self.preview_button,
            on_done=lambda preview: self._on_preview(edit, preview),
            on_error=self._on_preview_failed,
        )

    def _on_preview_failed(self, error: BaseException) -> None:
        self.summary.setText("Choose the changes, then preview them.")
        self.save_failed(error)

    def _on_preview(self, edit: BulkEdit, preview: BulkPreview) -> None:
        self.preview = preview
        self._previewed = edit
        self.model.set_rows(list(preview.rows))
        self.table.resizeColumnsToContents()
        warnings = f", {preview.warnings:,} with a warning" if preview.warnings else ""
        self.summary.setText(
            f"{preview.description}. {_n(preview.selected, 'variant')} of "
            f"{_n(preview.products, 'product')} selected; {preview.changing:,} will change"
            f"{warnings}."
        )
        self.apply_button.setEnabled(preview.changing > 0 and self.context.can("catalog.import"))

    def can_save(self) -> bool:
        return self.context.can("catalog.import")

    def apply(self) -> None:
        self.accept()

    def save(self) -> None:
        """Apply what was previewed (closing over unsaved changes offers this as Save)."""
        try:
            edit = self.edit()
        except ValidationFailed as error:
            self.show_error(error)
            return
        if edit != self._previewed:
            self.apply_button.setEnabled(False)
            self.summary.setText("The changes differ from the preview: preview them again.")
            return
        self.submit(
            self.context.tasks,
            apply_bulk_edit,
            self.context.store.unit_of_work(),
            self.context.actor,
            self.selection,
            edit,
            label="Applying the bulk edit",
            busy=self.apply_button,
        )

    def _saved(self, result: BulkResult) -> None:
        self.summary.setText(
            "Applied to "
            + counted(result.variants_changed, "%Ln variant(s) of ")
            + counted(result.products_changed, "%Ln product(s). ")
            + "It can be reverted from the bulk edit history."
        )
        self.applied.emit(result)
        super()._saved(result)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class BulkHistoryDialog(QDialog):
    """Recent bulk edits from the audit log; the selected one can be reverted.

    Signals:
        reverted(object): the RevertResult after a revert.
    """

    reverted = Signal(object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entries: list[BulkEditEntry] = []
        self.setWindowTitle("Bulk edit history")
        self.resize(900, 420)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            ["When", "Who", "What", "Variants", "Products", "State"]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._enable)
        self.revert_button = QPushButton("Revert…")
        self.revert_button.setEnabled(False)
        self.revert_button.clicked.connect(self.revert)
        self.message = QLabel(wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.revert_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        self.context.tasks.query(
            list_bulk_edits, self.context.store.unit_of_work(), on_done=self._on_loaded
        )

    def _on_loaded(self, entries: list[BulkEditEntry]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            state = "revert" if e.is_revert else ("reverted" if e.reverted else "applied")
            values = (
                e.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                e.staff_name or "system",
                e.description,
                f"{e.variants:,}",
                f"{e.products:,}",
                state,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (3, 4):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        for column in (0, 1, 3, 4, 5):
            self.table.resizeColumnToContents(column)
        self._enable()

    def _selected(self) -> BulkEditEntry | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.entries[min(rows)] if rows else None

    def _enable(self) -> None:
        entry = self._selected()
        self.revert_button.setEnabled(
            entry is not None
            and not entry.is_revert
            and not entry.reverted
            and self.context.can("catalog.import")
        )

    def revert(self, *, confirm: bool = True) -> None:
        entry = self._selected()
        if entry is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                "Revert bulk edit",
                f"Put back the values from before “{entry.description}” on "
                + counted(entry.variants, "%Ln variant(s)? ")
                + "Rows changed since are kept as they are.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.context.tasks.change(
            revert_bulk_edit,
            self.context.store.unit_of_work(),
            self.context.actor,
            entry.audit_entry_id,
            label="Reverting the bulk edit",
            busy=self.revert_button,
            on_done=self._on_reverted,
        )

    def _on_reverted(self, result: RevertResult) -> None:
        kept = f" Kept as changed since: {'; '.join(result.kept[:5])}." if result.kept else ""
        self.message.setText(
            "Reverted "
            + counted(result.restored_variants, "%Ln variant(s) and ")
            + counted(result.restored_products, "%Ln product(s).")
            + kept
        )
        self.reverted.emit(result)
        self.load()
