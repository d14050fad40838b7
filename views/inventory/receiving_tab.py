"""Receiving: purchase orders from suppliers, placed, received by scanning (the rest stays
incoming), cancelled. Receiving updates each item's cost to the weighted average.

Keyboard: Ctrl+N new purchase order, Ctrl+E edit a draft, Ctrl+O mark ordered,
Ctrl+Shift+R receive all that is left; a scan receives one unit (or "Quantity per scan").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.status import PurchaseOrderStatus
from services.inventory.purchasing import (
    STATUS_LABELS,
    PurchaseLineInput,
    PurchaseOrderDetail,
    SupplierRow,
    allowed_actions,
    cancel_purchase_order,
    create_purchase_order,
    create_supplier,
    get_purchase_order,
    list_purchase_orders,
    list_suppliers,
    place_purchase_order,
    receive_purchase_order,
    receive_purchase_scan,
    update_purchase_order,
)
from services.paging import Page, PageRequest
from views import shortcuts
from views.context import ViewContext
from views.inventory.common import Line, LinesEditor, LocationCombo, when
from views.inventory.documents import DocumentsTab, item_name
from views.widgets.forms import FormDialog
from views.widgets.lazy_table import RIGHT, Column
from views.widgets.money_field import money_column
from views.wording import counted


def _status(value: str) -> str:
    return STATUS_LABELS[PurchaseOrderStatus(value)]


class PurchaseOrderDialog(FormDialog):
    """A new purchase order, or a draft changed: supplier, receiving location, lines with
    unit costs (the item's current cost to start with)."""

    def __init__(
        self,
        context: ViewContext,
        draft: PurchaseOrderDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context, self.draft = context, draft
        self.result_detail: PurchaseOrderDetail | None = None
        self.setWindowTitle(f"Edit {draft.number}" if draft else "New purchase order")
        self.resize(780, 540)
        self.supplier = QComboBox(minimumWidth=220)
        self.new_supplier = QPushButton("New supplier…")
        self.new_supplier.clicked.connect(self._on_new_supplier_clicked)
        self.location = LocationCombo(context)
        self.note = QLineEdit(draft.note or "" if draft else "")
        self.editor = LinesEditor(context, with_cost=True)
        self.total = QLabel()
        self.editor.changed.connect(self._show_total)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        supplier_row = QHBoxLayout()
        supplier_row.addWidget(self.supplier, 1)
        supplier_row.addWidget(self.new_supplier)
        form = QFormLayout()
        suppliers = QWidget()
        suppliers.setLayout(supplier_row)
        form.addRow("Supplier", self.field("supplier", suppliers))
        form.addRow("Receive at", self.location)
        form.addRow("Note", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.field("lines", self.editor), 1)
        layout.addWidget(self.total)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        if draft is not None:
            self.supplier.setEnabled(False)
            self.new_supplier.setEnabled(False)
            self.location.setEnabled(False)
            self.location.location_changed.connect(
                lambda _: self.location.select(draft.location_id)
            )
            self.editor.set_lines(
                [Line(line.variant, line.quantity, line.unit_cost) for line in draft.lines]
            )
        self._load_suppliers()
        self.editor.code.setFocus()

    def form_state(self) -> dict[str, object]:
        return {
            "supplier": self.supplier.currentData(),
            "note": self.note.text(),
            "lines": tuple(
                (line.variant.variant_id, line.quantity, line.unit_cost)
                for line in self.editor.lines
            ),
        }

    def _load_suppliers(self, select: int | None = None) -> None:
        self.tasks.query(
            list_suppliers,
            self.context.store.unit_of_work(),
            on_done=lambda rows: self._on_suppliers(rows, select),
        )

    def _on_suppliers(self, rows: list[SupplierRow], select: int | None) -> None:
        self.supplier.clear()
        for row in rows:
            self.supplier.addItem(row.name, row.id)
        wanted = select or (self.draft.supplier_id if self.draft else None)
        if wanted is not None:
            self.supplier.setCurrentIndex(max(self.supplier.findData(wanted), 0))
        if select is None:  # the list as loaded, not a choice made
            self.mark_clean("supplier")

    def _on_new_supplier_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "New supplier", "The supplier's name")
        if not ok or not name.strip():
            return
        self.tasks.change(
            lambda: create_supplier(
                self.context.store.unit_of_work(), self.context.actor, name=name
            ),
            on_done=lambda row: self._load_suppliers(row.id),
            on_error=lambda error: self.show_message("supplier", str(error)),
        )

    def _show_total(self) -> None:
        total = sum(line.quantity * (line.unit_cost or 0) for line in self.editor.lines)
        units = sum(line.quantity for line in self.editor.lines)
        self.total.setText(counted(units, "%Ln unit(s)") + f" · {self.context.money.format(total)}")

    def save(self) -> None:
        lines = [
            PurchaseLineInput(line.variant.variant_id, line.quantity, line.unit_cost or 0)
            for line in self.editor.lines
        ]
        note = self.note.text().strip() or None
        if self.draft is None:
            if self.supplier.currentData() is None:
                self.show_message("supplier", "Choose a supplier, or add one.")
                return
            supplier, location = self.supplier.currentData(), self.location.location_id
            call: Any = lambda uow, actor: create_purchase_order(  # noqa: E731
                uow, actor, supplier_id=supplier, location_id=location, lines=lines, note=note
            )
        else:
            draft = self.draft
            call = lambda uow, actor: update_purchase_order(  # noqa: E731
                uow,
                actor,
                draft.id,
                version=draft.version,
                lines=lines,
                note=note,
                expected_at=draft.expected_at,
            )
        self.submit(
            self.tasks,
            lambda: call(self.context.store.unit_of_work(), self.context.actor),
            busy=self.buttons,
        )

    def _saved(self, detail: PurchaseOrderDetail) -> None:
        self.result_detail = detail
        super()._saved(detail)


class ReceivingTab(DocumentsTab):
    noun = "purchase order"
    shortcut_area = shortcuts.RECEIVING
    permission = "inventory.receive"
    receiving_states = ("ordered", "partially_received")
    statuses = (
        ("Open purchase orders", ["draft", "ordered", "partially_received"]),
        ("Waiting to be received", ["ordered", "partially_received"]),
        ("All purchase orders", None),
        ("Drafts", "draft"),
        ("Received", "received"),
        ("Cancelled", "cancelled"),
    )

    @property
    def list_columns(self) -> tuple[Column, ...]:  # type: ignore[override]  # needs the store's money
        return (
            Column("number", "Order", width=9),
            Column("status", "Status", format=_status, width=14),
            Column("supplier_name", "Supplier", width=18),
            Column("location_name", "Receive at", width=14),
            Column("units", "Units", align=RIGHT, width=6),
            Column("received_units", "Received", align=RIGHT, width=8),
            money_column("total_cost", "Cost", self.context.money, width=10),
        )

    line_headers = ("SKU", "Item", "Ordered", "Received", "Still to come", "Unit cost", "Line cost")

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.new_button.setEnabled(context.can(self.permission))
        self.edit_button = self.add_button("Edit…", self.open_edit, "Ctrl+E")
        self.order_button = self.add_button("Mark ordered", self.mark_ordered, "Ctrl+O")
        self.receive_button = self.add_button("Receive all left", self.receive_all, "Ctrl+Shift+R")
        self.cancel_button = self.add_button("Cancel order…", self.cancel)
        self.buttons.addStretch()
        self.show_detail(None)
        self.model.set_query(filters={"status": self.status.currentData()})

    def fetch(self, request: PageRequest) -> Page[Any]:
        return list_purchase_orders(self.context.store.unit_of_work(), request)

    def load(self, document_id: int) -> PurchaseOrderDetail:
        return get_purchase_order(self.context.store.unit_of_work(), document_id)

    def show_detail(self, detail: PurchaseOrderDetail | None) -> None:
        actions = self.actions(detail)
        self.edit_button.setEnabled("edit" in actions)
        self.order_button.setEnabled("order" in actions)
        self.receive_button.setEnabled("receive" in actions)
        self.cancel_button.setEnabled("cancel" in actions)
        if detail is None:
            self.fill_lines([])
            return
        money = self.context.money.in_currency(detail.currency)
        self.heading.setText(
            f"{detail.number} · {detail.supplier_name} → {detail.location_name} · "
            f"{_status(detail.status)}"
        )
        parts = [
            counted(detail.units, "%Ln unit(s)"),
            f"{detail.received_units} received",
            f"cost {money.format(detail.total_cost)}",
        ]
        if detail.created_by:
            parts.append(f"created by {detail.created_by} {when(detail.created_at)}")
        if detail.note:
            parts.append(f"note: {detail.note}")
        self.summary.setText(" · ".join(parts))
        self.fill_lines(
            [
                (
                    line.variant.sku,
                    item_name(line.variant),
                    line.quantity,
                    line.received_quantity,
                    line.remaining,
                    money.format(line.unit_cost),
                    money.format(line.line_cost),
                )
                for line in detail.lines
            ]
        )
        hint = {
            "draft": "Scan items to add them to this draft; mark it ordered when sent.",
            "ordered": f"Scan items as they are unpacked at {detail.location_name}.",
            "partially_received": f"Scan items as they are unpacked at {detail.location_name}.",
        }.get(detail.status, f"This purchase order is {_status(detail.status).lower()}.")
        self.feedback.show_result("idle", hint, sound=False)

    # -- actions ---------------------------------------------------------------------------

    def mark_ordered(self) -> None:
        if self.detail is not None:
            self.change(
                place_purchase_order, self.detail.id, version=self.detail.version, label="Ordering"
            )

    def receive_all(self) -> None:
        if self.detail is not None:
            self.change(receive_purchase_order, self.detail.id, label="Receiving")

    # -- what DocumentsTab asks ------------------------------------------------------------

    def status_name(self, status: str) -> str:
        return _status(status)

    def allowed_actions(self, status: str) -> frozenset[str]:
        return allowed_actions(status)

    def editor(self, detail: Any) -> PurchaseOrderDialog:
        return PurchaseOrderDialog(self.context, detail, self)

    def cancel_consequence(self, detail: Any) -> str:
        return "What was not received is no longer incoming."

    def cancel_document(self, uow: Any, actor: Any, document_id: int, *, note: str | None) -> Any:
        return cancel_purchase_order(uow, actor, document_id, note=note)

    def add_to_draft(
        self, detail: PurchaseOrderDetail, variant: Any, quantity: int
    ) -> PurchaseOrderDetail:
        lines = {line.variant.variant_id: [line.quantity, line.unit_cost] for line in detail.lines}
        lines.setdefault(variant.variant_id, [0, variant.cost or 0])[0] += quantity
        return update_purchase_order(
            self.context.store.unit_of_work(),
            self.context.actor,
            detail.id,
            version=detail.version,
            lines=[PurchaseLineInput(v, q, c) for v, (q, c) in lines.items()],
            note=detail.note,
            expected_at=detail.expected_at,
        )

    def receive_scan(
        self, detail: PurchaseOrderDetail, code: str, quantity: int
    ) -> tuple[Any, Any]:
        return receive_purchase_scan(
            self.context.store.unit_of_work(), self.context.actor, detail.id, code, quantity
        )
