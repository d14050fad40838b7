"""The order detail: customer, lines with bins, totals, money, shipments, the timeline, notes.

Which action buttons are enabled comes from ``services.orders.allowed_actions`` for the
signed-in person, the same rule the services enforce.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.money import MoneyFormat
from services.documents.packing_slip import address_lines
from services.orders import OrderAction, OrderDetail, allowed_actions
from views.widgets.empty_state import EmptyState

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

#: button label per action, in the order they are shown: moving the order on, then its lines
#: and money (two rows, so the panel stays narrow enough for the list beside it)
ACTION_ROWS: tuple[tuple[tuple[OrderAction, str], ...], ...] = (
    (
        (OrderAction.CONFIRM, "Confirm"),
        (OrderAction.START_PROCESSING, "Start processing"),
        (OrderAction.FULFIL, "Fulfil…"),
        (OrderAction.MARK_DELIVERED, "Mark delivered"),
        (OrderAction.CANCEL, "Cancel order…"),
    ),
    (
        (OrderAction.EDIT, "Edit lines…"),
        (OrderAction.RECORD_PAYMENT, "Record payment…"),
        (OrderAction.REFUND, "Refund…"),
        (OrderAction.RETURN, "Return…"),
    ),
)
ACTION_BUTTONS = tuple(button for row in ACTION_ROWS for button in row)
#: how an order came in, after "Placed <when>"
CHANNELS = {
    "online": "on the online store",
    "pos": "in the shop",
    "phone": "by phone",
    "email": "by e-mail",
    "manual": "by hand",
}


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def _words(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _table(headers: list[str], stretch: int, *, wrap: bool = False) -> QTableWidget:
    """A read-only table whose columns fit their contents and whose ``stretch`` column takes
    the rest of the width (wrapping its text with ``wrap``), so it needs no sideways scroll."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(wrap)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    if wrap:
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setProperty("stretch", stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], right: set[int] = frozenset()) -> None:
    stretch = table.property("stretch")
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if c in right:
                item.setTextAlignment(RIGHT)
            if c == stretch:
                item.setToolTip(value)
            table.setItem(r, c, item)
    for c in right:
        header = table.horizontalHeaderItem(c)
        if header is not None:
            header.setTextAlignment(RIGHT)


class OrderDetailPanel(QWidget):
    """Signals:
    action_requested(object): an OrderAction button was pressed.
    note_added(str): the user added a note.
    """

    action_requested = Signal(object)
    note_added = Signal(str)

    def __init__(self, money: MoneyFormat | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.money_format = money or MoneyFormat()
        self.detail: OrderDetail | None = None
        self.title = QLabel(objectName="orderTitle")
        self.title.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.statuses = QLabel(objectName="orderStatuses")
        self.customer = QLabel(wordWrap=True, objectName="orderCustomer")
        self.customer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[OrderAction, QPushButton] = {}
        actions = QVBoxLayout()
        actions.setSpacing(4)
        for group in ACTION_ROWS:
            row = QHBoxLayout()
            for action, label in group:
                button = QPushButton(label, enabled=False)
                button.clicked.connect(lambda _=False, a=action: self.action_requested.emit(a))
                self.buttons[action] = button
                row.addWidget(button)
            row.addStretch()
            actions.addLayout(row)

        self.lines = _table(
            ["SKU", "Item", "Bin", "Qty", "Shipped", "Returned", "Price", "Total"], 1, wrap=True
        )
        self.totals = QLabel(objectName="orderTotals")
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.timeline = _table(["When", "Who", "What"], 2, wrap=True)
        self.shipments = _table(
            ["When", "From", "Carrier", "Tracking", "Items", "By"], 4, wrap=True
        )
        self.money = _table(["When", "What", "Amount", "Status", "Reference", "By"], 1)
        self.returns = _table(["When", "Items", "Refund", "By"], 1, wrap=True)
        shown = lambda: self.detail is not None  # noqa: E731
        self.empty_states = [
            EmptyState(self.shipments, "Nothing shipped yet.", ready=shown),
            EmptyState(self.money, "No payments or refunds yet.", ready=shown),
            EmptyState(self.returns, "Nothing returned yet.", ready=shown),
        ]
        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(self.shipments, "Shipments")
        self.tabs.addTab(self.money, "Payments and refunds")
        self.tabs.addTab(self.returns, "Returns")
        self.note = QLineEdit(placeholderText="Add a note to the timeline, then Enter")
        self.note.returnPressed.connect(self._on_note_return_pressed)

        # the totals sit beside the customer, so the lines get the panel's whole width
        header = QGridLayout()
        header.addWidget(self.title, 0, 0)
        header.addWidget(self.statuses, 0, 1, Qt.AlignmentFlag.AlignRight)
        header.addWidget(self.customer, 1, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.totals, 1, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        header.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addLayout(header)
        layout.addLayout(actions)
        layout.addWidget(self.lines, 2)
        layout.addWidget(self.tabs, 3)
        layout.addWidget(self.note)
        self.show_empty()

    def show_empty(
        self, message: str = "Choose an order in the list, or search for one (Ctrl+F)."
    ) -> None:
        self.detail = None
        self.title.setText("No order selected")
        self.statuses.clear()
        self.customer.setText(message)
        for button in self.buttons.values():
            button.setEnabled(False)
        for table in (self.lines, self.timeline, self.shipments, self.money, self.returns):
            table.setRowCount(0)
        for state in self.empty_states:
            state.refresh()
        self.totals.clear()
        self.note.setEnabled(False)

    def show_detail(self, detail: OrderDetail, actor) -> None:  # type: ignore[no-untyped-def]
        self.detail = detail
        money = self.money_format.in_currency(detail.currency).format

        self.title.setText(f"Order #{detail.number}")
        self.statuses.setText(
            f"{_words(detail.status)} · {_words(detail.payment_status)} · "
            f"{_words(detail.fulfillment_status)}"
        )
        who = html.escape(
            detail.customer_name
            + (
                f" <{detail.email}>"
                if detail.email and detail.email != detail.customer_name
                else ""
            )
        )
        # wrap between an address's parts, not inside one (a phone number, a postal code)
        address = ", ".join(
            html.escape(part).replace(" ", "&nbsp;").replace("-", "\u2011")
            for part in address_lines(detail.shipping_address)
        )
        placed = f"Placed {_when(detail.placed_at)} {CHANNELS.get(detail.channel, detail.channel)}"
        ships_from = detail.location_name or detail.location_code
        if ships_from:
            placed += f", ships from {html.escape(ships_from)}"
        cancelled = (
            f"<br><b>Cancelled</b> {_when(detail.cancelled_at)}: "
            f"{html.escape(detail.cancel_reason or '')}"
            if detail.cancelled_at
            else ""
        )
        self.customer.setText(
            f"<b>{who}</b><br>{'Ship to ' + address if address else 'No shipping address'}"
            f"<br>{placed}{cancelled}"
        )
        allowed = allowed_actions(detail.state, actor)
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed)
        self.note.setEnabled(OrderAction.ADD_NOTE in allowed)
        _fill(
            self.lines,
            [
                [
                    ln.sku or "",
                    ln.product_title + (f" — {ln.variant_title}" if ln.variant_title else ""),
                    ln.bin_code or "",
                    str(ln.quantity),
                    str(ln.fulfilled_quantity),
                    str(ln.returned_quantity),
                    money(ln.unit_price),
                    money(ln.total),
                ]
                for ln in detail.lines
            ],
            right={3, 4, 5, 6, 7},
        )
        # most orders have nothing back: the column shows only when something came back
        self.lines.setColumnHidden(5, not any(ln.returned_quantity for ln in detail.lines))
        t = detail.totals
        # a cancelled order owes nothing more; what it was paid shows as the refund owed
        balance = min(detail.balance_due, 0) if detail.status == "cancelled" else detail.balance_due
        owed = (
            f"<tr><td>Balance due</td><td align=right><b>{money(balance)}</b></td></tr>"
            if balance > 0
            else f"<tr><td>Refund owed</td><td align=right><b>{money(-balance)}</b></td></tr>"
            if balance < 0
            else ""
        )
        rows = [("Subtotal", money(t.subtotal))]
        if t.discount_total:
            rows.append(("Discounts", f"−{money(t.discount_total)}"))
        rows += [
            ("Shipping", money(t.shipping_total)),
            ("Tax", money(t.tax_total)),
            ("<b>Total</b>", f"<b>{money(t.total)}</b>"),
            ("Paid", money(detail.paid)),
        ]
        self.totals.setText(
            "<table cellspacing=4>"
            + "".join(f"<tr><td>{k}</td><td align=right>{v}</td></tr>" for k, v in rows)
            + f"{owed}</table>"
        )
        _fill(
            self.timeline,
            [
                [_when(e.occurred_at), e.staff_name or "", e.summary]
                for e in reversed(detail.timeline)
            ],
        )
        _fill(
            self.shipments,
            [
                [
                    _when(f.created_at),
                    f.location_name or f.location_code,
                    f.carrier or "",
                    f.tracking_number or "",
                    ", ".join(f"{ln.quantity} × {ln.sku or ln.title}" for ln in f.lines),
                    f.created_by or "",
                ]
                for f in detail.fulfillments
            ],
        )
        money_rows = [
            [
                _when(p.created_at),
                f"Payment ({p.gateway})",
                money(p.captured_amount),
                p.status,
                p.gateway_reference or "",
                "",
            ]
            for p in detail.payments
        ]
        money_rows += [
            [
                _when(r.created_at),
                f"Refund: {r.reason or ''}".strip(": "),
                money(-r.amount),
                r.status,
                r.gateway_reference or "",
                r.created_by or "",
            ]
            for r in detail.refunds
        ]
        _fill(self.money, money_rows, right={2})
        _fill(
            self.returns,
            [
                [
                    _when(r.created_at),
                    ", ".join(
                        f"{ln.quantity} × {ln.sku or ln.title} ({ln.disposition})" for ln in r.lines
                    ),
                    money(r.refund_amount) if r.refund_amount is not None else "",
                    r.created_by or "",
                ]
                for r in detail.returns
            ],
        )
        for state in self.empty_states:
            state.refresh()

    def _on_note_return_pressed(self) -> None:
        text = self.note.text().strip()
        if text:
            self.note.clear()
            self.note_added.emit(text)
