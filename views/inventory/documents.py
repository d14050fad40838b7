"""What the transfer and purchase-order screens share: a list of documents beside the open
one, its lines, its buttons enabled by its state, and scanning into it (a draft gains a line,
a shipped or ordered document receives a unit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.errors import DomainError
from services.inventory.levels import lookup_code
from services.paging import Page, PageRequest
from views import shortcuts
from views.context import ViewContext
from views.inventory.common import MUTED
from views.widgets.forms import OpenEditors
from views.widgets.keys import ConfirmDialog
from views.widgets.lazy_table import RIGHT, Column, KeysetTableModel
from views.widgets.scanner import ScanFeedback, ScannerInput
from views.widgets.search_box import SearchBox
from views.widgets.table_view import ListView
from views.wording import counted


class DocumentHooks(Protocol):
    """What a kind of document (a transfer, a purchase order) tells the shared tab: how its
    list is fetched, a document loaded and shown, its states named and their actions, and how
    a scan changes it."""

    def fetch(self, request: PageRequest) -> Page[Any]: ...

    def load(self, document_id: int) -> Any: ...

    def show_detail(self, detail: Any) -> None: ...

    def status_name(self, status: str) -> str: ...

    def allowed_actions(self, status: str) -> frozenset[str]: ...

    def editor(self, detail: Any) -> Any:
        """The dialog that creates (``detail`` None) or edits a draft; it has ``result_detail``."""
        ...

    def cancel_consequence(self, detail: Any) -> str:
        """What cancelling ``detail`` does, in a sentence for the cancel prompt."""
        ...

    def cancel_document(
        self, uow: Any, actor: Any, document_id: int, *, note: str | None
    ) -> Any: ...

    def receiving_place(self, detail: Any) -> str:
        """The name of the location where ``detail`` is received."""
        ...

    def receive_everything(self, uow: Any, actor: Any, document_id: int) -> Any:
        """Receive all that is left on the document (runs off the UI thread)."""
        ...

    def add_to_draft(self, detail: Any, variant: Any, quantity: int) -> Any:
        """Runs off the UI thread: the draft ``detail`` with ``quantity`` more of ``variant``;
        returns the saved detail."""
        ...

    def receive_scan(self, detail: Any, code: str, quantity: int) -> tuple[Any, Any]:
        """Runs off the UI thread: receive ``quantity`` of the item ``code`` names; returns the
        document's detail and the line received."""
        ...


class DocumentsTab(QWidget):
    """A list (left) and the open document (right). A subclass is one kind of document and
    passes itself as the ``hooks`` (``DocumentHooks``) that fill in the specifics.

    Attributes:
        detail: the open document's frozen detail (None when nothing is open).
        dialog: the dialog open now, for tests.
    """

    noun = "document"
    #: where its shortcuts are declared (views/shortcuts.py)
    shortcut_area = ""
    statuses: Sequence[tuple[str, str | None]] = ()
    #: states in which a scan receives a unit (in a draft, a scan adds a line)
    receiving_states: Sequence[str] = ()
    #: the permission needed to create and work these documents
    permission = ""
    list_columns: Sequence[Column] = ()
    line_headers: Sequence[str] = ()

    def __init__(
        self, context: ViewContext, hooks: DocumentHooks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.hooks = hooks
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.detail: Any = None
        self.dialog: QWidget | None = None
        self.editors = OpenEditors()
        self._open_id: int | None = None

        self.search = SearchBox(f"Search {self.noun} number")
        self.search.search_changed.connect(lambda text: self.model.set_query(search=text))
        self.status = QComboBox()
        for label, value in self.statuses:
            self.status.addItem(label, value)
        self.status.currentIndexChanged.connect(
            lambda _: self.model.set_query(
                filters={"status": self.status.currentData()} if self.status.currentData() else {}
            )
        )
        self.new_button = QPushButton(f"New {self.noun}… (Ctrl+N)")
        self.new_button.clicked.connect(self.open_new)
        self.model = KeysetTableModel(self.list_columns, self.hooks.fetch, context.tasks)
        self.list = ListView(
            self.model,
            settings=context.settings,
            settings_key=f"inventory/{self.noun}s",
            empty_text=f"No {self.noun}s here. Start one with Ctrl+N.",
        )
        self.list.setSortingEnabled(False)
        self.list.selectionModel().currentRowChanged.connect(self._on_list_current_changed)
        self.model.loaded.connect(self._on_list_loaded)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        left_layout.addLayout(top)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.new_button)

        self.heading = QLabel(f"Choose a {self.noun} on the left, or start a new one.")
        self.heading.setObjectName("pageTitle")
        self.summary = QLabel(wordWrap=True)
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.feedback = ScanFeedback(f"Open a {self.noun}, then scan items into it.")
        self.per_scan = QSpinBox(minimum=1, maximum=10_000, value=1)
        self.per_scan.setPrefix("× ")
        self.per_scan.setToolTip("Units each scan counts; back to 1 after every scan")
        self.lines = QTableWidget(0, len(self.line_headers))
        self.lines.setHorizontalHeaderLabels(list(self.line_headers))
        self.lines.verticalHeader().hide()
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines.setWordWrap(False)
        self.lines.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.lines.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.buttons = QHBoxLayout()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.summary)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.feedback, 1)
        scan_row.addWidget(QLabel("Quantity per scan"))
        scan_row.addWidget(self.per_scan)
        right_layout.addLayout(scan_row)
        right_layout.addWidget(self.lines, 1)
        right_layout.addLayout(self.buttons)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([480, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.scanner = ScannerInput(self)
        self.scanner.scanned.connect(self.on_scanned)
        shortcuts.bind(self.shortcut_area, "Ctrl+N", self, self.open_new, button=self.new_button)
        shortcuts.bind(self.shortcut_area, "F5", self, self.reload)
        self.model.set_query()

    # -- scanning --------------------------------------------------------------------------

    def on_scanned(self, code: str) -> None:
        detail = self.detail
        if detail is None:
            self.feedback.show_result("error", f"Open a {self.noun} first, then scan its items.")
            return
        quantity = self.take_per_scan()
        if detail.status == "draft":
            self.tasks.query(
                lookup_code,
                self.context.store.unit_of_work(),
                code,
                on_done=lambda found: self._add_scanned(detail, code, found, quantity),
            )
        elif detail.status in self.receiving_states:
            self.tasks.change(
                lambda: self.hooks.receive_scan(detail, code, quantity),
                on_done=self._on_received,
                on_error=self.scan_failed,
                label="Receiving",
            )
        else:
            self.feedback.show_result(
                "error",
                f"{detail.number} is {self.hooks.status_name(detail.status).lower()}; "
                "nothing to scan.",
            )

    def _add_scanned(self, detail: Any, code: str, found: list[Any], quantity: int) -> None:
        if not found:
            self.feedback.show_result("error", f"Unknown code {code}: no item has it.")
            return
        variant = found[0]
        self.tasks.change(
            lambda: self.hooks.add_to_draft(detail, variant, quantity),
            on_done=lambda new: self._on_added(new, variant),
            on_error=self.scan_failed,
            label="Adding",
        )

    def _on_added(self, detail: Any, variant: Any) -> None:
        self.shown(detail)
        self.select_line(variant.sku)
        total = sum(
            line.quantity for line in detail.lines if line.variant.variant_id == variant.variant_id
        )
        self.feedback.show_result("ok", f"{variant.label}: {total} on this {self.noun}")

    def _on_received(self, result: tuple[Any, Any]) -> None:
        detail, line = result
        self.shown(detail)
        self.select_line(line.variant.sku)
        done = f" — {self.noun} complete" if detail.status == "received" else ""
        self.feedback.show_result(
            "ok",
            f"{line.variant.label}: {line.received_quantity} of {line.quantity} received{done}",
        )

    # -- shared actions --------------------------------------------------------------------

    def actions(self, detail: Any) -> frozenset[str]:
        """What may be done to ``detail`` now, by this person."""
        if detail is None or not self.context.can(self.permission):
            return frozenset()
        return self.hooks.allowed_actions(detail.status)

    def open_new(self) -> None:
        if self.context.can(self.permission):
            self._open_dialog(None)

    def open_edit(self) -> None:
        if "edit" in self.actions(self.detail):
            self._open_dialog(self.detail)

    def _open_dialog(self, detail: Any) -> None:
        """The editor of ``detail`` (a new document for None); one per document."""

        def make() -> Any:
            dialog = self.hooks.editor(detail)
            dialog.saved.connect(self.shown)
            return dialog

        self.dialog = self.editors.open((self.noun, detail and detail.id), make)

    def change(self, fn: Any, *args: Any, label: str, **kwargs: Any) -> None:
        """Run the service ``fn`` on the open document's store as this person; show its result."""
        self.tasks.change(
            lambda: fn(self.context.store.unit_of_work(), self.context.actor, *args, **kwargs),
            on_done=self.shown,
            label=label,
        )

    def cancel(self) -> None:
        detail = self.detail
        if detail is None:
            return
        self.confirm(
            f"Cancel {detail.number}",
            f"Cancel {detail.number}? {self.hooks.cancel_consequence(detail)} "
            "This cannot be undone.",
            f"Cancel {self.noun}",
            lambda question: self.change(
                self.hooks.cancel_document,
                detail.id,
                note=question.reason_text(),
                label="Cancelling",
            ),
            reason="Why is it cancelled? (optional)",
        )

    def confirm(
        self,
        title: str,
        consequence: str,
        action: str,
        then: Callable[[ConfirmDialog], None],
        *,
        reason: str | None = None,
    ) -> ConfirmDialog:
        """Ask before what cannot be undone; ``then(question)`` runs if the person goes ahead."""
        question = ConfirmDialog(title, consequence, action, self, reason=reason)
        self.dialog = question
        question.accepted.connect(lambda: then(question))
        question.open()
        return question

    def receive_all(self) -> None:
        """Receive everything still to come, after a question that names the units."""
        detail = self.detail
        if detail is None:
            return
        units = counted(sum(line.remaining for line in detail.lines), "%Ln unit(s)")
        self.confirm(
            f"Receive all of {detail.number}",
            f"Receive all {units} still to come on {detail.number} at "
            f"{self.hooks.receiving_place(detail)}? They go on hand there now and "
            f"{detail.number} is complete. This cannot be undone.",
            f"Receive {units}",
            lambda _: self.change(self.hooks.receive_everything, detail.id, label="Receiving"),
        )

    # -- shared ----------------------------------------------------------------------------

    def add_button(
        self, text: str, slot: Callable[[], None], shortcut: str | None = None
    ) -> QPushButton:
        button = QPushButton(f"{text} ({shortcut})" if shortcut else text)
        button.clicked.connect(slot)
        if shortcut:
            shortcuts.bind(
                self.shortcut_area,
                shortcut,
                self,
                lambda: button.isEnabled() and slot(),
                button=button,
            )
        self.buttons.addWidget(button)
        return button

    def reload(self) -> None:
        self.model.reload()
        if self._open_id is not None:
            self.open_document(self._open_id)

    def _on_list_current_changed(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            row = self.model.row(current.row())
            if row.id != self._open_id:
                self.open_document(row.id)

    def _on_list_loaded(self, count: int) -> None:
        if count and self._open_id is None:
            self.list.selectRow(0)

    def open_document(self, document_id: int) -> None:
        self._open_id = document_id
        self.tasks.query(
            lambda: self.hooks.load(document_id), on_done=self._on_loaded, label="Loading"
        )

    def _on_loaded(self, detail: Any) -> None:
        if detail.id != self._open_id:
            return
        if self.detail is None or self.detail.id != detail.id:
            self.feedback.hold.stop()  # the last scan's outcome was about another document
        self.detail = detail
        self.hooks.show_detail(detail)

    def shown(self, detail: Any) -> None:
        """After a change: show the new state and refresh the list around it."""
        self._open_id = detail.id
        self._on_loaded(detail)
        self.model.reload()

    def fill_lines(self, rows: Sequence[Sequence[Any]]) -> None:
        self.lines.setRowCount(0)
        for values in rows:
            n = self.lines.rowCount()
            self.lines.insertRow(n)
            for c, value in enumerate(values):
                item = QTableWidgetItem("" if value is None else str(value))
                if isinstance(value, int) or (isinstance(value, str) and value[:1] == "$"):
                    item.setTextAlignment(RIGHT)
                self.lines.setItem(n, c, item)
        self.lines.resizeColumnToContents(0)

    def select_line(self, sku: str | None) -> None:
        for n in range(self.lines.rowCount()):
            item = self.lines.item(n, 0)
            if item is not None and item.text() == (sku or ""):
                self.lines.selectRow(n)
                self.lines.scrollToItem(item, QAbstractItemView.ScrollHint.EnsureVisible)
                return

    def take_per_scan(self) -> int:
        quantity = self.per_scan.value()
        self.per_scan.setValue(1)
        return quantity

    def scan_failed(self, error: BaseException) -> None:
        if isinstance(error, DomainError):
            self.feedback.show_result("error", str(error))
        else:
            self.tasks.report_error(error, self)


def item_name(variant: Any) -> str:
    return variant.product_title + (
        "" if variant.variant_title == "Default Title" else f" - {variant.variant_title}"
    )


__all__ = ["DocumentHooks", "DocumentsTab", "item_name"]
