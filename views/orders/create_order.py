"""The create-order dialog: a phone or e-mail order taken by hand.

Pick a customer (search) or create one; add lines by search or scan: a scanner's code is
caught wherever the focus is in the dialog (``ScannerInput``) and adds the matching product at
once, with a green flash and a ring, or a red one and three rings when nothing matches; a
search typed by hand lists what matches. Prices come from the catalog. Saving reserves the
stock; a short line is refused with every short SKU named and nothing saved. Enter in a search
field searches; it never saves the order (only the Save button does).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
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
    QVBoxLayout,
    QWidget,
)

from models.money import Money, MoneyError
from services.customers import AddressRow, CustomerRow, NewCustomer, search_customers
from services.errors import ValidationFailed
from services.orders import DraftLine, OrderDraft, SellableVariant, find_sellable
from views.context import ViewContext
from views.orders.dialogs import fit_columns
from views.widgets.forms import FormDialog
from views.widgets.money_field import MoneyField, PercentField
from views.widgets.scanner import ScanFeedback, ScannerInput
from views.wording import counted


class CreateOrderDialog(FormDialog):
    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("New order")
        self.resize(820, 640)
        self._customers: list[CustomerRow] = []
        self._lines: list[tuple[SellableVariant, QSpinBox]] = []

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

        # money and channel
        self.channel = QComboBox()
        for label, value in (("Phone", "phone"), ("E-mail", "email"), ("In person", "manual")):
            self.channel.addItem(label, value)
        self.shipping = MoneyField(context.money, allow_empty=True)
        self.discount = MoneyField(context.money, allow_empty=True)
        self.tax_rate = PercentField(context.money, allow_empty=True)
        for field in (self.shipping, self.discount):
            field.set_value(0)
        self.tax_rate.set_value(0)
        self.total_label = QLabel(objectName="subtotal")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.error = self.message
        money = QGridLayout()
        for i, (label, widget) in enumerate(
            (
                ("Came in by", self.channel),
                ("Shipping", self.shipping),
                ("Order discount", self.discount),
                ("Tax rate (%)", self.tax_rate),
            )
        ):
            money.addWidget(QLabel(label), i // 2, (i % 2) * 2)
            money.addWidget(widget, i // 2, (i % 2) * 2 + 1)
        money.addWidget(QLabel("Subtotal"), 0, 4, Qt.AlignmentFlag.AlignRight)
        money.addWidget(self.total_label, 0, 5)
        money.setColumnStretch(1, 1)
        money.setColumnStretch(3, 1)
        money.setColumnMinimumWidth(5, 90)

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
        layout.addLayout(money)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._update_total()

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
        title = variant.product_title + (
            f" — {variant.variant_title}" if variant.variant_title != "Default Title" else ""
        )
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
        spin.valueChanged.connect(lambda _: self._update_total())
        self.table.setCellWidget(row, 4, spin)
        self._lines.append((variant, spin))
        self._update_total()
        return quantity

    def _update_total(self) -> None:
        subtotal = sum(v.price * spin.value() for v, spin in self._lines)
        self.total_label.setText(self.context.money.format(subtotal))

    # -- the draft -------------------------------------------------------------------------

    def draft(self) -> OrderDraft:
        """The order as entered. Raises ValidationFailed for unreadable amounts."""
        money = self.context.money
        try:
            shipping = money.parse(self.shipping.text() or "0").minor
            discount = money.parse(self.discount.text() or "0").minor
            rate = money.parse_percent(self.tax_rate.text() or "0")
        except MoneyError as error:
            raise ValidationFailed(str(error)) from None
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
            tax_rate_bp=rate,
        )

    def form_state(self) -> dict[str, object]:
        fields = (self.first_name, self.last_name, self.email, self.phone, self.line1)
        fields += (self.city, self.postal_code, self.country, self.shipping, self.discount)
        return {
            "customer": (self.customer_tabs.currentIndex(), self.customer_choice.currentData()),
            "fields": (*(f.text() for f in fields), self.tax_rate.text()),
            "channel": self.channel.currentIndex(),
            "lines": tuple((v.variant_id, spin.value()) for v, spin in self._lines),
        }
