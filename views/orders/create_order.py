"""The create-order dialog: a phone or e-mail order taken by hand.

Pick a customer (search) or create one; add lines by search or scan: a scanner's code is
caught wherever the focus is in the dialog (``ScannerInput``) and adds the matching product at
once, with a green flash and a ring, or a red one and three rings when nothing matches; a
search typed by hand lists what matches. Prices come from the catalog. Saving reserves the
stock; a short line is refused with every short SKU named and nothing saved. Enter in a search
field searches; it never saves the order (only the Save button does).

Discount codes (up to five) go in one field; automatic promotions apply by themselves. A live
quote, asked off the UI thread a moment after the lines, codes, customer or amounts stop
changing, shows the totals with each discount and the explanation: what applied, on which
lines, and what was considered and why not. A code that cannot be used is named on the codes
field, and saving with it is refused there. A manual discount needs its reason.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.money import Money, MoneyError
from services.customers import AddressRow, CustomerRow, NewCustomer, search_customers
from services.errors import DomainError, ValidationFailed
from services.orders import (
    DraftLine,
    OrderDraft,
    SellableVariant,
    find_sellable,
    quote_order,
)
from services.orders.creation import MAX_CODES
from services.orders.totals import tax_lines, totals_of
from services.pricing import PricedCart
from views.context import ViewContext
from views.orders.dialogs import fit_columns
from views.orders.explanation import code_problems, explanation_html, quote_discounts
from views.widgets.forms import FormDialog
from views.widgets.money_field import MoneyField, PercentField
from views.widgets.scanner import ScanFeedback, ScannerInput
from views.wording import counted

#: how long the lines, codes and amounts must rest before the quote is asked again
QUOTE_DELAY_MS = 300


def split_codes(text: str) -> list[str]:
    """The codes typed in one field, separated by commas or spaces."""
    return [code for code in re.split(r"[,\s]+", text) if code]


def _title(variant: SellableVariant) -> str:
    return variant.product_title + (
        f" — {variant.variant_title}" if variant.variant_title != "Default Title" else ""
    )


class CreateOrderDialog(FormDialog):
    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("New order")
        self.resize(1000, 720)
        self._customers: list[CustomerRow] = []
        self._lines: list[tuple[SellableVariant, QSpinBox]] = []
        #: the quote's background work; an answer arriving after the dialog closed is dropped
        self._quoting = context.tasks.owned_by(self)
        #: the quote last asked for; an older answer arriving late is not shown
        self._quote_asked = 0
        self.quote: PricedCart | None = None
        self._quote_timer = QTimer(self, singleShot=True, interval=QUOTE_DELAY_MS)
        self._quote_timer.timeout.connect(self._on_quote_timer_timeout)

        # customer
        self.customer_tabs = QTabWidget()
        existing = QWidget()
        self.customer_search = QLineEdit(placeholderText="Name or e-mail, then Enter")
        self.customer_search.returnPressed.connect(self._on_customer_search_return_pressed)
        self.customer_choice = QComboBox()
        row = QVBoxLayout(existing)
        row.addWidget(self.customer_search)
        row.addWidget(self.customer_choice)
        row.addStretch()
        new = QWidget()
        self.first_name, self.last_name = QLineEdit(), QLineEdit()
        self.email, self.phone = QLineEdit(), QLineEdit()
        self.line1, self.city = QLineEdit(), QLineEdit()
        self.postal_code, self.country = QLineEdit(), QLineEdit("US")
        # two fields a row: the customer block stays short and the lines get the room
        grid = QGridLayout(new)
        for i, (label, widget) in enumerate(
            (
                ("First name", self.first_name),
                ("Last name", self.last_name),
                ("E-mail", self.email),
                ("Phone", self.phone),
                ("Address", self.line1),
                ("City", self.city),
                ("Postal code", self.postal_code),
                ("Country", self.country),
            )
        ):
            grid.addWidget(QLabel(label), i // 2, (i % 2) * 2)
            grid.addWidget(widget, i // 2, (i % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.customer_tabs.addTab(existing, "Existing customer")
        self.customer_tabs.addTab(new, "New customer")
        self.customer_tabs.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        # lines
        self.scanner = ScannerInput(self)
        self.scanner.scanned.connect(self._on_scanner_scanned)
        self.scan_feedback = ScanFeedback("Scan a barcode to add a line; no need to click first.")
        self.product_search = QLineEdit(placeholderText="Type a SKU or name, then Enter")
        self.product_search.returnPressed.connect(self._on_product_search_return_pressed)
        self.product_choice = QComboBox()
        self.add_button = QPushButton("Add line")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        find = QHBoxLayout()
        find.addWidget(self.product_search, 2)
        find.addWidget(self.product_choice, 3)
        find.addWidget(self.add_button)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["SKU", "Item", "Available", "Price", "Quantity"])
        fit_columns(self.table, 1)

        # money, channel and codes
        self.channel = QComboBox()
        for label, value in (("Phone", "phone"), ("E-mail", "email"), ("In person", "manual")):
            self.channel.addItem(label, value)
        self.shipping = MoneyField(context.money, allow_empty=True)
        self.discount = MoneyField(context.money, allow_empty=True)
        self.tax_rate = PercentField(context.money, allow_empty=True)
        for field in (self.shipping, self.discount):
            field.set_value(0)
        self.tax_rate.set_value(0)
        self.codes = QLineEdit(placeholderText=f"Up to {MAX_CODES}, separated by commas")
        self.discount_reason = QLineEdit(placeholderText="Why it is given, e.g. late delivery")
        self.error = self.message
        money = QGridLayout()
        for i, (label, widget) in enumerate(
            (
                ("Came in by", self.channel),
                ("Shipping", self.shipping),
                ("Tax rate (%)", self.tax_rate),
                ("Discount codes", self.field("codes", self.codes)),
                ("Manual discount", self.field("discount", self.discount)),
                ("Reason", self.field("discount_reason", self.discount_reason)),
            )
        ):
            money.addWidget(QLabel(label), i, 0, Qt.AlignmentFlag.AlignTop)
            money.addWidget(widget, i, 1)
        money.setColumnStretch(1, 1)
        money.setRowStretch(6, 1)

        # the live quote
        self.quote_totals = QLabel(objectName="quoteTotals")
        self.quote_totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.explanation = QTextBrowser(objectName="quoteExplanation")
        self.explanation.setOpenLinks(False)
        self.explanation.setMinimumHeight(150)
        # the form, then why (the widest), then the totals it comes to
        bottom = QHBoxLayout()
        bottom.addLayout(money, 2)
        bottom.addWidget(self.explanation, 3)
        bottom.addWidget(self.quote_totals)

        for edit in (self.codes, self.shipping, self.tax_rate, self.discount, self.discount_reason):
            edit.textChanged.connect(self._quote_soon)
        self.customer_choice.currentIndexChanged.connect(self._quote_soon)
        self.customer_tabs.currentChanged.connect(self._quote_soon)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save order")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for button in (*buttons.buttons(), self.add_button):
            button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Customer</b>"))
        layout.addWidget(self.customer_tabs)
        layout.addSpacing(6)
        layout.addWidget(QLabel("<b>Lines</b>"))
        layout.addWidget(self.scan_feedback)
        layout.addLayout(find)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._show_no_quote("Add a line to see the price.")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter belongs to the search fields (they act on returnPressed): it never reaches
        the Save button, which a half-typed order would otherwise hit. Ctrl+Enter saves."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.accept()
            return
        super().keyPressEvent(event)

    # -- customers -------------------------------------------------------------------------

    def _on_customer_search_return_pressed(self) -> None:
        term = self.customer_search.text()
        store = self.context.store
        self.context.tasks.query(
            lambda: search_customers(store.unit_of_work(), term),
            on_done=self._on_customers_found,
        )

    def _on_customers_found(self, customers: list[CustomerRow]) -> None:
        self._customers = customers
        self.customer_choice.clear()
        for c in customers:
            self.customer_choice.addItem(f"{c.name} <{c.email or 'no e-mail'}>", c.id)
        if not customers:
            self.customer_choice.addItem("No customer matches; create one on the next tab", None)

    # -- lines -----------------------------------------------------------------------------

    def _on_product_search_return_pressed(self) -> None:
        self._find(self.product_search.text(), scanned=False)

    def _on_scanner_scanned(self, code: str) -> None:
        self._find(code, scanned=True)

    def _find(self, term: str, *, scanned: bool) -> None:
        term = term.strip()
        if not term:
            return
        store = self.context.store
        self.context.tasks.query(
            lambda: find_sellable(store.unit_of_work(), term),
            on_done=lambda found: self._on_products_found(found, term, scanned=scanned),
        )

    def _on_products_found(
        self, found: list[SellableVariant], term: str, *, scanned: bool = False
    ) -> None:
        self.product_choice.clear()
        self.error.clear()
        for v in found:
            price = self.context.money.format(Money(v.price, v.currency))
            self.product_choice.addItem(
                f"{v.sku or '—'}  {v.product_title} {v.variant_title}  "
                f"({v.available} available, {price})",
                v,
            )
        exact = [v for v in found if v.sku == term]
        if len(found) == 1 or len(exact) == 1:  # one match: add at once, ready for the next
            variant = (exact or found)[0]
            quantity = self.add_line(variant)
            if not scanned:
                self.product_search.clear()
            name = variant.sku or variant.product_title
            self.scan_feedback.show_result(
                "ok" if variant.available >= quantity or variant.allows_backorder else "warn",
                f"{name}: {quantity} in the order"
                + (
                    ""
                    if variant.available >= quantity or variant.allows_backorder
                    else f" (only {variant.available} available)"
                ),
            )
        elif not found:
            self.scan_feedback.show_result("error", f"Nothing in the catalog matches {term}.")
        else:
            self.scan_feedback.show_result(
                "warn",
                counted(
                    len(found),
                    "%Ln+ product(s) match" if len(found) >= 20 else "%Ln product(s) match",
                )
                + f" {term}: choose one and press Add line.",
            )

    def _on_add_button_clicked(self) -> None:
        variant = self.product_choice.currentData()
        if variant is not None:
            self.add_line(variant)

    def add_line(self, variant: SellableVariant, quantity: int = 1) -> int:
        """Add ``quantity`` of the variant (to its line if it has one); the line's quantity."""
        for existing, spin in self._lines:
            if existing.variant_id == variant.variant_id:
                spin.setValue(spin.value() + quantity)
                return spin.value()
        row = self.table.rowCount()
        self.table.insertRow(row)
        title = _title(variant)
        for column, text in enumerate(
            (
                variant.sku or "",
                title,
                str(variant.available),
                self.context.money.format(Money(variant.price, variant.currency)),
            )
        ):
            item = QTableWidgetItem(text)
            if column == 1:
                item.setToolTip(text)
            if column >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        spin = QSpinBox(minimum=0, maximum=100_000, value=quantity)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.valueChanged.connect(self._quote_soon)
        self.table.setCellWidget(row, 4, spin)
        self._lines.append((variant, spin))
        self._quote_soon()
        return quantity

    # -- the quote -------------------------------------------------------------------------

    def _quote_soon(self) -> None:
        """Ask for a new quote once the input rests (typing a code asks once, not per key)."""
        self._quote_timer.start()

    def _on_quote_timer_timeout(self) -> None:
        self._quote_asked += 1
        asked = self._quote_asked
        try:
            draft = self.draft()
        except ValidationFailed as error:
            self._show_no_quote(str(error))
            return
        if not draft.lines:
            self._show_no_quote("Add a line to see the price.")
            return
        titles = [_title(v) for v, spin in self._lines if spin.value() > 0]
        store, actor = self.context.store, self.context.actor
        self._quoting.query(
            lambda: quote_order(store.unit_of_work(), actor, draft),
            label="Pricing",
            on_done=lambda quote: self._on_quoted(asked, draft, titles, quote),
            on_error=lambda error: self._on_quote_failed(asked, error),
        )

    def _on_quoted(
        self, asked: int, draft: OrderDraft, titles: list[str], quote: PricedCart
    ) -> None:
        if asked != self._quote_asked:
            return
        self.quote = quote
        cur = quote.currency

        money_format = self.context.money.in_currency(cur)

        def money(minor: int) -> str:
            return html.escape(money_format.format(minor))

        totals = totals_of(tax_lines(quote, draft.tax_rate_bp), quote.shipping)
        rows = [("Subtotal", money(quote.subtotal))]
        rows += [
            (html.escape(a.title), f"−{money(a.amount - a.shipping)}")
            for a in quote.applied
            if a.amount - a.shipping
        ]
        shipping = money(quote.shipping)
        if quote.shipping_discount:
            shipping = f"<s>{shipping}</s> {money(quote.shipping - quote.shipping_discount)}"
        rows += [
            ("Shipping", shipping),
            ("Tax", money(totals.tax_total)),
            ("<b>Total</b>", f"<b>{money(quote.total + totals.tax_total)}</b>"),
        ]
        self.quote_totals.setText(
            "<table cellspacing=0 cellpadding=2>"
            + "".join(
                f"<tr><td>{k}</td><td align=right style='padding-left:12px'>{v}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )
        applied, missed = quote_discounts(quote, lambda key: titles[key])
        self.explanation.setHtml(explanation_html(applied, missed, money_format))
        problems = code_problems(quote)
        if problems:
            self.show_message("codes", problems, focus=False)
        elif self.field_message("codes"):
            self.clear_message("codes")

    def _on_quote_failed(self, asked: int, error: BaseException) -> None:
        if asked != self._quote_asked:
            return
        if not isinstance(error, DomainError):
            self._quoting.report_error(error, self)
            return
        fields = error.fields if isinstance(error, ValidationFailed) else {}
        if "codes" in fields:
            self.show_message("codes", fields["codes"], focus=False)
        self._show_no_quote(str(error))

    def _show_no_quote(self, why: str) -> None:
        self.quote = None
        self.quote_totals.setText("")
        self.explanation.setHtml(f"<p>{html.escape(why)}</p>")

    # -- the draft -------------------------------------------------------------------------

    def draft(self, *, to_save: bool = False) -> OrderDraft:
        """The order as entered. Raises ValidationFailed for unreadable amounts and, when
        ``to_save``, for a manual discount given without a reason."""
        money = self.context.money
        try:
            shipping = money.parse(self.shipping.text() or "0").minor
            discount = money.parse(self.discount.text() or "0").minor
            rate = money.parse_percent(self.tax_rate.text() or "0")
        except MoneyError as error:
            raise ValidationFailed(str(error)) from None
        reason = self.discount_reason.text().strip()
        if to_save and discount and not reason:
            raise ValidationFailed(
                "Say why the manual discount is given.",
                fields={"discount_reason": "Say why the manual discount is given."},
            )
        new_customer = None
        customer_id = None
        if self.customer_tabs.currentIndex() == 1:
            address = None
            if self.line1.text().strip():
                address = AddressRow(
                    None,
                    None,
                    None,
                    self.line1.text().strip(),
                    None,
                    self.city.text().strip(),
                    None,
                    self.postal_code.text().strip() or None,
                    self.country.text().strip() or "US",
                )
            new_customer = NewCustomer(
                self.first_name.text(),
                self.last_name.text(),
                self.email.text() or None,
                self.phone.text() or None,
                address,
            )
        else:
            customer_id = self.customer_choice.currentData()
        return OrderDraft(
            lines=[
                DraftLine(v.variant_id, spin.value()) for v, spin in self._lines if spin.value() > 0
            ],
            customer_id=customer_id,
            new_customer=new_customer,
            channel=self.channel.currentData(),
            shipping_total=shipping,
            discount=discount,
            discount_reason=reason or None,
            codes=split_codes(self.codes.text()),
            tax_rate_bp=rate,
        )

    def form_state(self) -> dict[str, object]:
        fields = (self.first_name, self.last_name, self.email, self.phone, self.line1)
        fields += (self.city, self.postal_code, self.country, self.shipping, self.discount)
        fields += (self.codes, self.discount_reason)
        return {
            "customer": (self.customer_tabs.currentIndex(), self.customer_choice.currentData()),
            "fields": (*(f.text() for f in fields), self.tax_rate.text()),
            "channel": self.channel.currentIndex(),
            "lines": tuple((v.variant_id, spin.value()) for v, spin in self._lines),
        }
