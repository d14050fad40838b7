"""The Orders area: a lazy list with search, filters and saved filters, the order detail,
and everything done to orders (fulfil, cancel, pay, refund, return, create, print, pack).

Keyboard: Ctrl+F search, Ctrl+N new order, Ctrl+P pick list, Ctrl+Shift+P packing slips,
F8 scan to pack, F5 reload.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.status import FulfillmentStatus, OrderStatus, PaymentStatus
from services.documents import render_packing_slips, render_pick_list
from services.orders import (
    OrderAction,
    OrderFilter,
    OrderRow,
    ReturnLineInput,
    SavedFilter,
    add_note,
    bulk_action,
    cancel_order,
    confirm_order,
    create_order,
    edit_order,
    find_sellable,
    fulfil_order,
    get_order_detail,
    list_orders,
    list_saved_filters,
    mark_delivered,
    record_return,
    save_filter,
    start_processing,
)
from services.orders.picking import build_packing_slips, build_pick_list, pick_list_order_ids
from services.payments import record_payment, refund_order
from views import shortcuts
from views.context import ViewContext
from views.orders.create_order import CreateOrderDialog
from views.orders.detail import OrderDetailPanel
from views.orders.dialogs import (
    CancelDialog,
    EditLinesDialog,
    FulfilDialog,
    MoneyDialog,
    ReturnDialog,
)
from views.orders.pdf_preview import PdfPreviewDialog
from views.orders.scan_to_pack import ScanToPackDialog
from views.widgets.forms import FormDialog, OpenEditors
from views.widgets.lazy_table import RIGHT, Column, KeysetTableModel
from views.widgets.money_field import money_column
from views.widgets.page import Page
from views.widgets.search_box import SearchBox
from views.widgets.table_view import ListView
from views.wording import counted

#: the list's and the detail's widths when nothing is remembered yet (a 1400 px window)
DEFAULT_SPLIT = [550, 650]
SPLITTER_KEY = "orders/splitter"
STATUS_COLORS = {
    "cancelled": "#80868b",
    "pending": "#8a6d00",
    "shipped": "#1a73e8",
    "delivered": "#1e7d32",
}


def _words(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _placed(value: datetime) -> str:
    """Short, as a mail client does: the day and time this year, the day and year before."""
    local = value.astimezone()
    if local.year == datetime.now().astimezone().year:
        return local.strftime("%d %b %H:%M")
    return local.strftime("%d %b %Y")


class OrdersPage(Page):
    title = "Orders"
    permission = None
    topics = ("order.",)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._filters: list[SavedFilter] = []
        self._opened: int | None = None
        self.dialog: QDialog | None = None  # the dialog open now (tests reach it here)
        self.editors = OpenEditors()

        self.search = SearchBox("Search order number, customer, e-mail, SKU or tracking")
        self.search.search_changed.connect(lambda text: self.model.set_query(search=text))
        self.search.focus_shortcut(self)
        self.saved = QComboBox(objectName="savedFilters", minimumWidth=170)
        self.saved.activated.connect(self._on_saved_activated)
        self.status_filter = self._combo("Any status", OrderStatus)
        self.payment_filter = self._combo("Any payment", PaymentStatus)
        self.fulfillment_filter = self._combo("Any fulfillment", FulfillmentStatus)
        self.channel_filter = QComboBox()
        self.channel_filter.addItem("Any channel", None)
        for channel in ("online", "phone", "email", "manual", "pos"):
            self.channel_filter.addItem(_words(channel), channel)
        self.channel_filter.currentIndexChanged.connect(lambda _: self._apply_filters())
        self.save_filter_button = QPushButton("Save filter…")
        self.save_filter_button.clicked.connect(self._on_save_filter_clicked)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.saved)
        for combo in (
            self.status_filter,
            self.payment_filter,
            self.fulfillment_filter,
            self.channel_filter,
        ):
            filters.addWidget(combo)
        filters.addWidget(self.save_filter_button)

        self.new_button = QPushButton("New order… (Ctrl+N)", enabled=context.can("orders.create"))
        self.new_button.clicked.connect(self.open_create_dialog)
        self.pick_button = QPushButton("Pick list (Ctrl+P)")
        self.pick_button.clicked.connect(self.preview_pick_list)
        self.slips_button = QPushButton("Packing slips")
        self.slips_button.clicked.connect(self.preview_packing_slips)
        self.pack_button = QPushButton("Scan to pack (F8)", enabled=context.can("orders.fulfill"))
        self.pack_button.clicked.connect(self.open_scan_to_pack)
        self.bulk = QComboBox()
        self.bulk.addItem("With selected orders…", None)
        for action, label in (
            (OrderAction.CONFIRM, "Confirm"),
            (OrderAction.START_PROCESSING, "Start processing"),
            (OrderAction.SHIP, "Ship everything left"),
            (OrderAction.MARK_DELIVERED, "Mark delivered"),
            (OrderAction.CANCEL, "Cancel"),
        ):
            self.bulk.addItem(label, action)
        self.bulk.activated.connect(self._on_bulk_activated)
        self.count = QLabel()
        tools = QHBoxLayout()
        for widget in (
            self.new_button,
            self.pick_button,
            self.slips_button,
            self.pack_button,
            self.bulk,
        ):
            tools.addWidget(widget)
        tools.addStretch()
        tools.addWidget(self.count)

        store = context.store
        # Newest first, always (the list has no sortable column): what matters most to the
        # left, so a narrow pane still shows who ordered what for how much.
        self.model = KeysetTableModel(
            [
                Column("number", "Order", format=lambda n: f"#{n}", width=7),
                Column("placed_at", "Placed", format=_placed, width=12),
                Column("customer_name", "Customer", width=25),
                money_column("total", "Total", context.money, width=10),
                Column(
                    "status",
                    "Status",
                    format=_words,
                    width=10,
                    color=lambda s: STATUS_COLORS.get(s),
                ),
                Column("payment_status", "Payment", format=_words, width=17),
                Column("fulfillment_status", "Fulfillment", format=_words, width=19),
                Column("item_count", "Items", align=RIGHT, width=6),
            ],
            lambda request: list_orders(store.unit_of_work(), request),
            context.tasks,
        )
        self.table = ListView(self.model, settings=context.settings, settings_key="orders/list")
        self.table.setObjectName("orders")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.no_match = QLabel("No orders match.", objectName="noOrders")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.setStyleSheet("color: #5f6368; font-size: 14px;")
        self.no_match.hide()
        overlay = QVBoxLayout(self.table.viewport())
        overlay.addWidget(self.no_match)
        self.model.loaded.connect(self._on_model_loaded)
        self.model.loading_changed.connect(
            lambda loading: self.no_match.hide() if loading else None
        )
        self.model.failed.connect(lambda message: self.count.setText(message))

        self.detail = OrderDetailPanel(context.money)
        self.detail.action_requested.connect(self._on_detail_action_requested)
        self.detail.note_added.connect(self._on_detail_note_added)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="ordersSplitter")
        self.splitter.setChildrenCollapsible(False)
        # the detail needs room for its lines (SKU, item, bin, quantities, money) before the
        # list gets more than a few columns: on a narrow window the list gives way first
        self.table.setMinimumWidth(300)
        self.detail.setMinimumWidth(640)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        state = context.settings.value(SPLITTER_KEY)
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            self.splitter.setSizes(DEFAULT_SPLIT)
        self.splitter.splitterMoved.connect(lambda *_: self._save_splitter())
        splitter = self.splitter
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)

        for key, slot in (
            ("Ctrl+N", self.open_create_dialog),
            ("Ctrl+P", self.preview_pick_list),
            ("Ctrl+Shift+P", self.preview_packing_slips),
            ("F8", self.open_scan_to_pack),
            ("F5", self.refresh),
        ):
            shortcuts.bind(shortcuts.ORDERS, key, self, slot)
        self._restore_filters()

    def _save_splitter(self) -> None:
        self.context.settings.setValue(SPLITTER_KEY, self.splitter.saveState())

    def hideEvent(self, event: QHideEvent) -> None:
        self._save_splitter()
        super().hideEvent(event)

    def _combo(self, empty: str, values: Any) -> QComboBox:
        combo = QComboBox()
        combo.addItem(empty, None)
        for value in values:
            combo.addItem(_words(value.value), value.value)
        combo.currentIndexChanged.connect(lambda _: self._apply_filters())
        return combo

    # -- the list --------------------------------------------------------------------------

    def on_shown(self) -> None:
        if self.model.rowCount() == 0 and not self.model.is_loading:
            self._apply_filters()
        self._load_saved_filters()

    def on_store_changed(self, topics: set[str]) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.model.reload()
        if self._opened is not None:
            self.open_order(self._opened)

    def current_filter(self) -> OrderFilter:
        def one(combo: QComboBox) -> tuple[str, ...]:
            return (combo.currentData(),) if combo.currentData() else ()

        return OrderFilter(
            statuses=one(self.status_filter),
            payment_statuses=one(self.payment_filter),
            fulfillment_statuses=one(self.fulfillment_filter),
            channels=one(self.channel_filter),
        )

    def _apply_filters(self, order_filter: OrderFilter | None = None) -> None:
        chosen = order_filter or self.current_filter()
        self.context.settings.setValue("orders/filters", chosen.as_dict())
        self.model.set_query(filters=chosen.as_dict())

    def _restore_filters(self) -> None:
        saved = self.context.settings.value("orders/filters") or {}
        restored = OrderFilter.from_dict(saved if isinstance(saved, dict) else {})
        for combo, values in (
            (self.status_filter, restored.statuses),
            (self.payment_filter, restored.payment_statuses),
            (self.fulfillment_filter, restored.fulfillment_statuses),
            (self.channel_filter, restored.channels),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(values[0])) if len(values) == 1 else 0)
            combo.blockSignals(False)

    def _load_saved_filters(self) -> None:
        store, actor = self.context.store, self.context.actor
        self.context.tasks.query(
            lambda: list_saved_filters(store.unit_of_work(), actor),
            on_done=self._on_saved_filters_loaded,
        )

    def _on_saved_filters_loaded(self, filters: list[SavedFilter]) -> None:
        self._filters = filters
        self.saved.clear()
        self.saved.addItem("Saved filters…", None)
        for f in filters:
            self.saved.addItem(f.name + (" (everyone)" if f.shared else ""), f.name)

    def _on_saved_activated(self, index: int) -> None:
        name = self.saved.itemData(index)
        chosen = next((f for f in self._filters if f.name == name), None)
        if chosen is None:
            return
        for combo in (
            self.status_filter,
            self.payment_filter,
            self.fulfillment_filter,
            self.channel_filter,
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._apply_filters(chosen.filter)

    def _on_save_filter_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "Save filter", "Name of this filter")
        if not ok or not name.strip():
            return
        store, actor, chosen = self.context.store, self.context.actor, self.current_filter()
        self.context.tasks.change(
            lambda: save_filter(store.unit_of_work(), actor, name, chosen),
            on_done=lambda _: self._load_saved_filters(),
        )

    def _on_model_loaded(self, rows: int) -> None:
        text = "%Ln order(s)" if self.model.is_complete else "%Ln+ order(s)"
        self.count.setText(counted(rows, text) if rows else "No orders match.")
        self.no_match.setVisible(rows == 0)
        if rows == 0:
            request = self.model.request
            searched = bool(request.search) or any(request.filters.values())
            self.no_match.setText(
                "No orders match the search or filters." if searched else "No orders yet."
            )
            self._opened = None
            self.detail.show_empty("No orders match; change the search or the filters.")
        if rows and self.table.currentIndex().row() < 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _on_table_current_row_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        if current.isValid():
            self.open_order(self.model.row(current.row()).id)

    def selected_rows(self) -> list[OrderRow]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row(r) for r in sorted(rows)]

    # -- the detail ------------------------------------------------------------------------

    def open_order(self, order_id: int) -> None:
        self._opened = order_id
        store = self.context.store
        self.context.tasks.query(
            lambda: get_order_detail(store.unit_of_work(), order_id),
            on_done=lambda detail: (
                self.detail.show_detail(detail, self.context.actor)
                if detail.id == self._opened
                else None
            ),
        )

    def _after_change(self, _result: object = None) -> None:
        self.refresh()

    def _run(self, fn, *args: Any, label: str = "Saving", **kwargs: Any) -> None:  # type: ignore[no-untyped-def]
        self.context.tasks.change(
            fn,
            self.context.store.unit_of_work(),
            self.context.actor,
            *args,
            label=label,
            on_done=self._after_change,
            **kwargs,
        )

    def _on_detail_note_added(self, text: str) -> None:
        if self._opened is not None:
            self._run(add_note, self._opened, text, label="Adding note")

    def _on_detail_action_requested(self, action: OrderAction) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        money = self.context.money.in_currency(detail.currency)
        simple = {
            OrderAction.CONFIRM: confirm_order,
            OrderAction.START_PROCESSING: start_processing,
            OrderAction.MARK_DELIVERED: mark_delivered,
        }
        if action in simple:
            self._run(simple[action], detail.id)
        elif action is OrderAction.FULFIL:
            self._open_dialog(
                action,
                lambda: FulfilDialog(detail, self),
                lambda d: self._call(fulfil_order, detail.id, **d.values()),
                label="Fulfilling",
            )
        elif action is OrderAction.CANCEL:
            self._open_dialog(
                action,
                lambda: CancelDialog(detail, self.context.money, self),
                lambda d: self._call(
                    cancel_order,
                    detail.id,
                    reason=d.reason.text(),
                    restock=d.restock.isChecked(),
                ),
                label="Cancelling",
            )
        elif action is OrderAction.RECORD_PAYMENT:
            self._open_dialog(
                action,
                lambda: MoneyDialog(
                    f"Record payment for order #{detail.number}",
                    "Amount received",
                    detail.balance_due,
                    money,
                    self,
                    hint=f"Balance due: {money.format(detail.balance_due)}.",
                    ok="Record payment",
                ),
                lambda d: self._call(record_payment, detail.id, amount=d.minor()),
                label="Recording payment",
            )
        elif action is OrderAction.REFUND:
            self._open_dialog(
                action,
                lambda: MoneyDialog(
                    f"Refund order #{detail.number}",
                    "Amount to refund",
                    detail.state.refundable,
                    money,
                    self,
                    reason=True,
                    hint=(
                        f"Up to {money.format(detail.state.refundable)} can be "
                        "refunded (what was captured, less earlier refunds)."
                    ),
                    ok="Refund",
                ),
                lambda d: self._call(
                    refund_order,
                    detail.id,
                    amount=d.minor(),
                    idempotency_key=d.idempotency_key,
                    reason=d.reason.text(),
                ),
                label="Refunding",
            )
        elif action is OrderAction.RETURN:
            self._open_dialog(
                action,
                lambda: ReturnDialog(detail, self),
                self._return_work,
                label="Recording return",
            )
        elif action is OrderAction.EDIT:

            def edit_lines() -> EditLinesDialog:
                dialog = EditLinesDialog(detail, self)
                dialog.add.returnPressed.connect(lambda: self._find_for_edit(dialog))
                return dialog

            self._open_dialog(
                action,
                edit_lines,
                lambda d: (
                    self._call(
                        edit_order,
                        detail.id,
                        d.changes(),
                        expected_version=detail.version,
                        note=d.note.text(),
                    )
                    if d.changes()
                    else lambda: None  # nothing changed: closing is all Save does
                ),
                label="Saving changes",
            )

    def _find_for_edit(self, dialog: EditLinesDialog) -> None:
        term = dialog.add.text()
        dialog.add.clear()
        store = self.context.store

        def found(variants: list) -> None:  # type: ignore[type-arg]
            if variants:
                v = variants[0]
                dialog.add_variant(
                    v.variant_id, v.sku or "", f"{v.product_title} {v.variant_title}"
                )

        self.context.tasks.query(lambda: find_sellable(store.unit_of_work(), term), on_done=found)

    def _return_work(self, dialog: ReturnDialog) -> Callable[[], object]:
        lines = [
            ReturnLineInput(line.id, spin.value(), combo.currentData())
            for line, spin, combo in dialog.rows
            if spin.value() > 0
        ]
        store, actor = self.context.store, self.context.actor
        detail = self.detail.detail
        assert detail is not None
        refund, key, note = (
            dialog.refund.isChecked(),
            dialog.idempotency_key,
            dialog.note.toPlainText(),
        )

        def work() -> object:
            done = record_return(store.unit_of_work(), actor, detail.id, lines, note=note)
            if refund and done.suggested_refund > 0:
                amount = min(done.suggested_refund, detail.state.refundable)
                refund_order(
                    store.unit_of_work(),
                    actor,
                    detail.id,
                    amount=amount,
                    idempotency_key=key,
                    return_id=done.return_id,
                    reason="Returned goods",
                )
            return done

        return work

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
        """``fn`` as this person on a fresh unit of work, for a dialog to save with."""
        store, actor = self.context.store, self.context.actor
        return lambda: fn(store.unit_of_work(), actor, *args, **kwargs)

    def _open_dialog(
        self,
        action: object,
        make_dialog: Callable[[], FormDialog],
        work: Callable[[Any], Callable[[], Any]],
        *,
        label: str,
    ) -> None:
        """Open the dialog ``make_dialog`` makes (one per order and action: asked again, the
        open one comes forward); it saves with ``work(dialog)`` and stays open, the message on
        its field, when the service refuses."""
        order = self.detail.detail.id if self.detail.detail is not None else None

        def make() -> FormDialog:
            dialog = make_dialog()
            dialog.saves_with(self.context.tasks, work, label=label)
            dialog.saved.connect(self._after_change)
            dialog.finished.connect(
                lambda _: setattr(self, "dialog", None) if self.dialog is dialog else None
            )
            return dialog

        self.dialog = self.editors.open((action, order), make, modal=True)

    def open_create_dialog(self) -> None:
        if not self.context.can("orders.create"):
            return

        def create() -> CreateOrderDialog:
            dialog = CreateOrderDialog(self.context, self)
            dialog.saved.connect(lambda created: self.open_order(created.id))
            return dialog

        self._open_dialog(
            "create", create, lambda d: self._call(create_order, d.draft()), label="Saving order"
        )

    # -- bulk, printing, packing -----------------------------------------------------------

    def _on_bulk_activated(self, index: int) -> None:
        action = self.bulk.itemData(index)
        self.bulk.setCurrentIndex(0)
        rows = self.selected_rows()
        if action is None or not rows:
            return
        reason = None
        if action is OrderAction.CANCEL:
            reason, ok = QInputDialog.getText(
                self, "Cancel orders", counted(len(rows), "Why are these %Ln order(s) cancelled?")
            )
            if not ok:
                return
        store, actor = self.context.store, self.context.actor
        self.context.tasks.change(
            lambda progress: bulk_action(
                store.unit_of_work(),
                actor,
                [r.id for r in rows],
                action,
                reason=reason,
                progress=lambda d, t: progress.report(d, t),
            ),
            label="Working on orders",
            with_progress=True,
            on_done=self._on_bulk_done,
        )

    def _on_bulk_done(self, results: list) -> None:  # type: ignore[type-arg]
        self.refresh()
        failed = [r for r in results if not r.ok]
        done = len(results) - len(failed)
        summary = f"{done} of " + counted(len(results), "%Ln order(s) done.")
        if failed:
            summary += "\n\nNot done:\n" + "\n".join(r.message for r in failed[:20])
        self.last_bulk_summary = summary
        box = QMessageBox(QMessageBox.Icon.Information, "Bulk action", summary, parent=self)
        self.dialog = box
        box.open()

    def preview_pick_list(self) -> None:
        rows = self.selected_rows()
        store, picker = self.context.store, self.context.actor.name

        def work() -> bytes:
            if rows:
                ids = [r.id for r in rows]
            else:  # nothing chosen: everything paid and waiting to ship
                ids = pick_list_order_ids(store.unit_of_work(), paid_unfulfilled=True)
            return render_pick_list(build_pick_list(store.unit_of_work(), ids, picker=picker))

        self.context.tasks.query(
            work,
            label="Making the pick list",
            on_done=lambda pdf: self._preview("Pick list", pdf, "pick-list.pdf"),
        )

    def preview_packing_slips(self) -> None:
        ids = [r.id for r in self.selected_rows()]
        if not ids and self._opened is not None:
            ids = [self._opened]
        if not ids:
            return
        store = self.context.store
        self.context.tasks.query(
            lambda: render_packing_slips(build_packing_slips(store.unit_of_work(), ids)),
            label="Making packing slips",
            on_done=lambda pdf: self._preview("Packing slips", pdf, "packing-slips.pdf"),
        )

    def _preview(self, title: str, pdf: bytes, file_name: str) -> None:
        dialog = PdfPreviewDialog(title, pdf, file_name, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        dialog.open()

    def open_scan_to_pack(self) -> None:
        if not self.context.can("orders.fulfill"):
            return
        dialog = ScanToPackDialog(self.context, self)
        dialog.order_packed.connect(lambda _: self.refresh())
        self.dialog = dialog
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        dialog.open()
