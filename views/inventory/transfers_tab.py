"""Transfers between locations: draft, ship, receive (by scanning), cancel.

Keyboard: Ctrl+N new transfer, Ctrl+E edit a draft, Ctrl+S ship, Ctrl+Shift+R receive all
that is left; scanning into a draft adds the item, into a shipped transfer receives it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.status import TransferStatus
from services.inventory.transfers import (
    STATUS_LABELS,
    TransferDetail,
    allowed_actions,
    cancel_transfer,
    create_transfer,
    get_transfer,
    list_transfers,
    receive_transfer,
    receive_transfer_scan,
    ship_transfer,
    update_transfer,
)
from services.paging import Page, PageRequest
from views import shortcuts
from views.context import ViewContext
from views.inventory.common import Line, LinesEditor, LocationCombo, when
from views.inventory.documents import DocumentsTab, item_name
from views.widgets.forms import FormDialog
from views.widgets.lazy_table import RIGHT, Column
from views.wording import counted


def _status(value: str) -> str:
    return STATUS_LABELS[TransferStatus(value)]


class TransferDialog(FormDialog):
    """A new transfer, or a draft's lines changed."""

    def __init__(
        self,
        context: ViewContext,
        draft: TransferDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context, self.draft = context, draft
        self.result_detail: TransferDetail | None = None
        self.setWindowTitle(f"Edit {draft.number}" if draft else "New transfer")
        self.resize(720, 520)
        self.origin = LocationCombo(context)
        self.destination = LocationCombo(context)
        self.note = QLineEdit(draft.note or "" if draft else "")
        self.editor = LinesEditor(context)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("From", self.origin)
        form.addRow("To", self.field("destination", self.destination))
        form.addRow("Note", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.field("lines", self.editor), 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        if draft is not None:
            self.origin.setEnabled(False)
            self.destination.setEnabled(False)
            self.editor.set_lines([Line(line.variant, line.quantity) for line in draft.lines])
            self.origin.location_changed.connect(
                lambda _: self.origin.select(draft.origin_location_id)
            )
            self.destination.location_changed.connect(
                lambda _: self.destination.select(draft.destination_location_id)
            )
        else:
            # a sensible start: from the default location to the next one
            self.destination.location_changed.connect(self._pick_other_destination)
        self.editor.code.setFocus()

    def form_state(self) -> dict[str, object]:
        # the places load (and default) in the background; the lines and note are the work
        return {
            "note": self.note.text(),
            "lines": tuple((line.variant.variant_id, line.quantity) for line in self.editor.lines),
        }

    def _pick_other_destination(self, _: object) -> None:
        if self.destination.count() > 1 and self.destination.location_id == self.origin.location_id:
            self.destination.setCurrentIndex(1 if self.destination.currentIndex() == 0 else 0)

    def save(self) -> None:
        lines = [(line.variant.variant_id, line.quantity) for line in self.editor.lines]
        note = self.note.text().strip() or None
        if self.draft is None:
            origin, destination = self.origin.location_id, self.destination.location_id
            call: Any = lambda uow, actor: create_transfer(  # noqa: E731
                uow,
                actor,
                origin_location_id=origin,
                destination_location_id=destination,
                lines=lines,
                note=note,
            )
        else:
            draft = self.draft
            call = lambda uow, actor: update_transfer(  # noqa: E731
                uow, actor, draft.id, version=draft.version, lines=lines, note=note
            )
        self.submit(
            self.tasks,
            lambda: call(self.context.store.unit_of_work(), self.context.actor),
            busy=self.buttons,
        )

    def _saved(self, detail: TransferDetail) -> None:
        self.result_detail = detail
        super()._saved(detail)


class TransfersTab(DocumentsTab):
    noun = "transfer"
    shortcut_area = shortcuts.TRANSFERS
    permission = "inventory.transfer"
    receiving_states = ("shipped", "partially_received")
    statuses = (
        ("Open transfers", ["draft", "shipped", "partially_received"]),
        ("All transfers", None),
        ("Drafts", "draft"),
        ("Shipped", ["shipped", "partially_received"]),
        ("Received", "received"),
        ("Cancelled", "cancelled"),
    )
    list_columns = (
        Column("number", "Transfer", width=9),
        Column("status", "Status", format=_status, width=14),
        Column("origin_name", "From", width=14),
        Column("destination_name", "To", width=14),
        Column("units", "Units", align=RIGHT, width=6),
        Column("received_units", "Received", align=RIGHT, width=8),
        Column("created_at", "Created", format=when, width=16),
    )
    line_headers = ("SKU", "Item", "Quantity", "Received", "Still to come")

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, self, parent)
        self.new_button.setEnabled(context.can(self.permission))
        self.edit_button = self.add_button("Edit…", self.open_edit, "Ctrl+E")
        self.ship_button = self.add_button("Ship", self.ship, "Ctrl+S")
        self.receive_button = self.add_button("Receive all left", self.receive_all, "Ctrl+Shift+R")
        self.cancel_button = self.add_button("Cancel transfer…", self.cancel)
        self.buttons.addStretch()
        self.show_detail(None)
        self.model.set_query(filters={"status": self.status.currentData()})

    def fetch(self, request: PageRequest) -> Page[Any]:
        return list_transfers(self.context.store.unit_of_work(), request)

    def load(self, document_id: int) -> TransferDetail:
        return get_transfer(self.context.store.unit_of_work(), document_id)

    def show_detail(self, detail: TransferDetail | None) -> None:
        actions = self.actions(detail)
        self.edit_button.setEnabled("edit" in actions)
        self.ship_button.setEnabled("ship" in actions)
        self.receive_button.setEnabled("receive" in actions)
        self.cancel_button.setEnabled("cancel" in actions)
        if detail is None:
            self.fill_lines([])
            return
        self.heading.setText(
            f"{detail.number} · {detail.origin_name} → {detail.destination_name} · "
            f"{_status(detail.status)}"
        )
        parts = [counted(detail.units, "%Ln unit(s)"), f"{detail.received_units} received"]
        if detail.created_by:
            parts.append(f"created by {detail.created_by} {when(detail.created_at)}")
        if detail.shipped_at:
            parts.append(f"shipped {when(detail.shipped_at)}")
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
                )
                for line in detail.lines
            ]
        )
        hint = {
            "draft": "Scan items to add them to this draft.",
            "shipped": f"Scan items as they arrive at {detail.destination_name}.",
            "partially_received": f"Scan items as they arrive at {detail.destination_name}.",
        }.get(detail.status, f"This transfer is {_status(detail.status).lower()}.")
        self.feedback.show_hint(hint)

    # -- actions ---------------------------------------------------------------------------

    def ship(self) -> None:
        detail = self.detail
        if detail is None:
            return
        self.confirm(
            f"Ship {detail.number}",
            f"Ship {detail.number}? {counted(detail.units, '%Ln unit(s)')} will be committed "
            f"at {detail.origin_name} and shown incoming at {detail.destination_name}; the "
            "lines can no longer be changed.",
            f"Ship {counted(detail.units, '%Ln unit(s)')}",
            lambda _: self.change(
                ship_transfer, detail.id, version=detail.version, label="Shipping"
            ),
        )

    # -- what DocumentsTab asks ------------------------------------------------------------

    def status_name(self, status: str) -> str:
        return _status(status)

    def allowed_actions(self, status: str) -> frozenset[str]:
        return allowed_actions(status)

    def editor(self, detail: Any) -> TransferDialog:
        return TransferDialog(self.context, detail, self)

    def cancel_consequence(self, detail: Any) -> str:
        if detail.status == "draft":
            return "The draft is kept for the record; nothing moves."
        return "What was not received stays at the origin and is no longer incoming."

    def cancel_document(self, uow: Any, actor: Any, document_id: int, *, note: str | None) -> Any:
        return cancel_transfer(uow, actor, document_id, note=note)

    def receiving_place(self, detail: Any) -> str:
        return detail.destination_name

    def receive_everything(self, uow: Any, actor: Any, document_id: int) -> Any:
        return receive_transfer(uow, actor, document_id)

    def add_to_draft(self, detail: TransferDetail, variant: Any, quantity: int) -> TransferDetail:
        lines = {line.variant.variant_id: line.quantity for line in detail.lines}
        lines[variant.variant_id] = lines.get(variant.variant_id, 0) + quantity
        return update_transfer(
            self.context.store.unit_of_work(),
            self.context.actor,
            detail.id,
            version=detail.version,
            lines=list(lines.items()),
            note=detail.note,
        )

    def receive_scan(self, detail: TransferDetail, code: str, quantity: int) -> tuple[Any, Any]:
        return receive_transfer_scan(
            self.context.store.unit_of_work(), self.context.actor, detail.id, code, quantity
        )
