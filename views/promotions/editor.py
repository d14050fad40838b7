"""The promotion form: what it gives, to what, to whom, when, how often, with what it combines,
and a preview on a sample cart before saving.

A refused value is shown on its field and the form stays open with everything typed; Enter in
a search field searches, it never saves (only Save does).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.catalog.queries import list_collections, list_variants
from services.catalog.rules import DEFAULT_TITLE
from services.errors import DomainError, ValidationFailed
from services.paging import PageRequest
from services.pricing.model import DiscountClass, Kind, PricedCart, Target
from services.promotions import (
    Method,
    PromotionDetail,
    PromotionInput,
    SampleLine,
    create_promotion,
    preview_promotion,
    update_promotion,
)
from views.context import ViewContext
from views.promotions.words import KIND_WORDS, TARGET_WORDS
from views.widgets.forms import FormDialog
from views.widgets.money_field import MoneyField

#: fields whose message shows on another field's line (they share a row of the form)
_LINE_OF = {
    "get_quantity": "buy_quantity",
    "repeat_limit": "buy_quantity",
    "min_quantity": "min_subtotal",
    "starts_at": "ends_at",
}


class TargetChooser(QWidget):
    """The collections, products or variants a promotion applies to: search, add, remove."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.target = Target.ALL
        self.search = QLineEdit(placeholderText="Search, then Enter")
        self.search.returnPressed.connect(self._on_search)
        self.found = QComboBox()
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self._on_add)
        self.chosen = QListWidget()
        self.chosen.setMaximumHeight(90)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._on_remove)
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.found, 3)
        top.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.chosen, 1)
        bottom.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(bottom)

    def set_target(self, target: Target, chosen: dict[int, str] | None = None) -> None:
        if target is not self.target:
            self.chosen.clear()
        self.target = target
        self.found.clear()
        for item_id, title in (chosen or {}).items():
            self._add(item_id, title)
        if target is Target.COLLECTIONS:
            self.search.setPlaceholderText("Collections are listed; pick one and Add")
            store = self.context.store
            self.context.tasks.query(
                lambda: list_collections(store.unit_of_work()), on_done=self._on_collections
            )
        else:
            self.search.setPlaceholderText("Search by title or SKU, then Enter")

    def ids(self) -> tuple[int, ...]:
        return tuple(
            self.chosen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.chosen.count())
        )

    def _on_collections(self, rows: list[Any]) -> None:
        self.found.clear()
        for row in rows:
            self.found.addItem(row.title, row.id)

    def _on_search(self) -> None:
        term = self.search.text().strip()
        if not term or self.target is Target.COLLECTIONS:
            return
        find_variants(self.context, term, self._on_found)

    def _on_found(self, page: Any) -> None:
        self.found.clear()
        seen: set[int] = set()
        for row in page.rows:
            if self.target is Target.PRODUCTS:
                if row.product_id in seen:
                    continue
                seen.add(row.product_id)
                self.found.addItem(row.product_title, row.product_id)
            else:
                name = variant_name(row)
                self.found.addItem(f"{name} ({row.sku})" if row.sku else name, row.variant_id)
        if not self.found.count():
            self.found.addItem("Nothing matches", None)

    def _on_add(self) -> None:
        item_id = self.found.currentData()
        if item_id is not None:
            self._add(item_id, self.found.currentText())

    def _add(self, item_id: int, title: str) -> None:
        if item_id in self.ids():
            return
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, item_id)
        self.chosen.addItem(item)

    def _on_remove(self) -> None:
        for item in self.chosen.selectedItems():
            self.chosen.takeItem(self.chosen.row(item))


class PromotionDialog(FormDialog):
    """Create or edit a promotion; ``saved_result`` is the SavedPromotion after Save."""

    def __init__(
        self,
        context: ViewContext,
        *,
        currency: str,
        detail: PromotionDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.currency = currency
        self.money = context.money.in_currency(currency)
        self.detail = detail
        self.setWindowTitle(f"Edit {detail.data.title}" if detail else "New promotion")
        self.resize(760, 720)
        self._sample: list[tuple[int, str, QSpinBox]] = []

        self.title = QLineEdit(placeholderText="Summer sale, 10 % off for newsletter readers…")
        self.method = QComboBox()
        self.method.addItem("Automatic: applies by itself", Method.AUTOMATIC)
        self.method.addItem("Discount code: the customer enters it", Method.CODE)
        self.code = QLineEdit(placeholderText="SUMMER10 (leave empty to use generated codes)")
        self.kind = QComboBox()
        for kind, words in KIND_WORDS.items():
            self.kind.addItem(words, kind)
        self.percentage = QDoubleSpinBox(suffix=" %", decimals=2, maximum=100.0, value=10.0)
        self.amount = MoneyField(self.money, allow_empty=True)
        self.per_item = QCheckBox("Take it off each eligible item (not once per order)")
        self.shipping_ceiling = MoneyField(self.money, allow_empty=True)
        self.shipping_ceiling.setPlaceholderText("any rate")
        self.buy_quantity = QSpinBox(minimum=1, maximum=999, value=2)
        self.get_quantity = QSpinBox(minimum=0, maximum=999, value=1)
        self.get_percentage = QDoubleSpinBox(
            suffix=" % off", decimals=2, maximum=100.0, value=100.0
        )
        self.repeat_limit = QSpinBox(minimum=0, maximum=999, specialValueText="no limit")
        self.target = QComboBox()
        for target, words in TARGET_WORDS.items():
            self.target.addItem(words, target)
        self.chooser = TargetChooser(context)
        self.minimum = QComboBox()
        self.minimum.addItems(["No minimum", "Minimum subtotal", "Minimum quantity of items"])
        self.min_subtotal = MoneyField(self.money, allow_empty=True)
        self.min_quantity = QSpinBox(minimum=1, maximum=9999, value=2)
        self.customers = QComboBox()
        self.customers.addItems(["Everyone", "Customers with a tag"])
        self.customer_tag = QLineEdit(placeholderText="vip")
        self.start_later = QCheckBox("Start later")
        self.starts_at = QDateTimeEdit(QDateTime.currentDateTime(), calendarPopup=True)
        self.has_end = QCheckBox("Set an end")
        self.ends_at = QDateTimeEdit(QDateTime.currentDateTime().addDays(7), calendarPopup=True)
        for edit in (self.starts_at, self.ends_at):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.limit_uses = QCheckBox("Limit the number of uses in total")
        self.usage_limit = QSpinBox(minimum=1, maximum=10_000_000, value=100)
        self.once_per_customer = QCheckBox("Once per customer")
        self.combines = {
            DiscountClass.PRODUCT: QCheckBox("Product discounts"),
            DiscountClass.ORDER: QCheckBox("Order discounts"),
            DiscountClass.SHIPPING: QCheckBox("Shipping discounts"),
        }

        form = self.form = QFormLayout()
        form.addRow("Title", self.field("title", self.title))
        form.addRow("How it applies", self.method)
        form.addRow("Code", self.field("code", self.code))
        form.addRow("Discount", self.kind)
        self.value_row = QWidget()
        value_line = QHBoxLayout(self.value_row)
        value_line.setContentsMargins(0, 0, 0, 0)
        for widget in (self.percentage, self.amount, self.per_item):
            value_line.addWidget(widget)
        value_line.addStretch()
        form.addRow("Value", self.field("value", self.value_row))
        form.addRow("Shipping up to", self.field("shipping_ceiling", self.shipping_ceiling))
        self.bxgy = QWidget()
        bxgy = QHBoxLayout(self.bxgy)
        bxgy.setContentsMargins(0, 0, 0, 0)
        for text, widget in (
            ("Buy", self.buy_quantity),
            ("get", self.get_quantity),
            ("at", self.get_percentage),
            ("repeat up to", self.repeat_limit),
        ):
            bxgy.addWidget(QLabel(text))
            bxgy.addWidget(widget)
        bxgy.addStretch()
        form.addRow("Buy X get Y", self.field("buy_quantity", self.bxgy))
        form.addRow("Applies to", self.target)
        form.addRow("", self.field("target_ids", self.chooser))
        minimum = QHBoxLayout()
        for widget in (self.minimum, self.min_subtotal, self.min_quantity):
            minimum.addWidget(widget)
        minimum.addStretch()
        minimum_box = QWidget()
        minimum_box.setLayout(minimum)
        minimum.setContentsMargins(0, 0, 0, 0)
        form.addRow("Minimum", self.field("min_subtotal", minimum_box))
        customers = QHBoxLayout()
        customers.setContentsMargins(0, 0, 0, 0)
        customers.addWidget(self.customers)
        customers.addWidget(self.customer_tag)
        customers_box = QWidget()
        customers_box.setLayout(customers)
        form.addRow("Customers", self.field("customer_tag", customers_box))
        period = QHBoxLayout()
        period.setContentsMargins(0, 0, 0, 0)
        for widget in (self.start_later, self.starts_at, self.has_end, self.ends_at):
            period.addWidget(widget)
        period.addStretch()
        period_box = QWidget()
        period_box.setLayout(period)
        form.addRow("When (store time)", self.field("ends_at", period_box))
        usage = QHBoxLayout()
        usage.setContentsMargins(0, 0, 0, 0)
        for widget in (self.limit_uses, self.usage_limit, self.once_per_customer):
            usage.addWidget(widget)
        usage.addStretch()
        usage_box = QWidget()
        usage_box.setLayout(usage)
        form.addRow("Uses", self.field("usage_limit", usage_box))
        combine = QHBoxLayout()
        combine.setContentsMargins(0, 0, 0, 0)
        for box in self.combines.values():
            combine.addWidget(box)
        combine.addStretch()
        combine_box = QWidget()
        combine_box.setLayout(combine)
        form.addRow("Combines with", combine_box)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._build_preview())
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(context.can("promotions.edit"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # Enter in a search field searches; only Save saves
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)

        for signal in (
            self.method.currentIndexChanged,
            self.kind.currentIndexChanged,
            self.minimum.currentIndexChanged,
            self.customers.currentIndexChanged,
            self.start_later.toggled,
            self.has_end.toggled,
            self.limit_uses.toggled,
        ):
            signal.connect(self._update_visibility)
        self.target.currentIndexChanged.connect(lambda _: self.chooser.set_target(self._target()))
        self.target.currentIndexChanged.connect(self._update_visibility)
        if detail is not None:
            self._fill(detail)
        self.chooser.set_target(self._target(), detail.target_titles if detail else None)
        self._update_visibility()

    # -- layout helpers ----------------------------------------------------------------------

    def _update_visibility(self) -> None:
        code = self._method() is Method.CODE
        kind = self._kind()
        self.code.setEnabled(code)
        self.percentage.setVisible(kind is Kind.PERCENTAGE)
        self.amount.setVisible(kind is Kind.FIXED_AMOUNT)
        self.per_item.setVisible(kind is Kind.FIXED_AMOUNT)
        for row, shown in (
            (self.value_row, kind in (Kind.PERCENTAGE, Kind.FIXED_AMOUNT)),
            (self.shipping_ceiling, kind is Kind.FREE_SHIPPING),
            (self.bxgy, kind is Kind.BUY_X_GET_Y),
            (self.chooser, self._target() is not Target.ALL),
        ):
            self.form.setRowVisible(row.parentWidget(), shown)
        self.min_subtotal.setVisible(self.minimum.currentIndex() == 1)
        self.min_quantity.setVisible(self.minimum.currentIndex() == 2)
        self.customer_tag.setVisible(self.customers.currentIndex() == 1)
        self.starts_at.setEnabled(self.start_later.isChecked())
        self.ends_at.setEnabled(self.has_end.isChecked())
        self.usage_limit.setEnabled(self.limit_uses.isChecked())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # the button box makes Save the default button when it shows: Enter in a search
        # field would then save the promotion
        self.save_button.setDefault(False)

    # -- reading and filling the form --------------------------------------------------------

    # a combo box hands its data back as a plain str, not the enum it was given
    def _kind(self) -> Kind:
        return Kind(self.kind.currentData())

    def _method(self) -> Method:
        return Method(self.method.currentData())

    def _target(self) -> Target:
        return Target(self.target.currentData())

    def data(self) -> PromotionInput:
        kind, method = self._kind(), self._method()
        value = 0
        if kind is Kind.PERCENTAGE:
            value = round(self.percentage.value() * 100)
        elif kind is Kind.FIXED_AMOUNT:
            value = self.amount.value() or 0
        elif kind is Kind.BUY_X_GET_Y:
            value = round(self.get_percentage.value() * 100)
        target = self._target()
        return PromotionInput(
            title=self.title.text().strip(),
            kind=kind,
            value=value,
            method=method,
            code=(self.code.text().strip() or None) if method is Method.CODE else None,
            target=target,
            target_ids=() if target is Target.ALL else self.chooser.ids(),
            per_item=kind is Kind.FIXED_AMOUNT and self.per_item.isChecked(),
            buy_quantity=self.buy_quantity.value() if kind is Kind.BUY_X_GET_Y else 0,
            get_quantity=self.get_quantity.value() if kind is Kind.BUY_X_GET_Y else 0,
            repeat_limit=(self.repeat_limit.value() or None) if kind is Kind.BUY_X_GET_Y else None,
            shipping_ceiling=self.shipping_ceiling.value() if kind is Kind.FREE_SHIPPING else None,
            min_subtotal=self.min_subtotal.value() if self.minimum.currentIndex() == 1 else None,
            min_quantity=self.min_quantity.value() if self.minimum.currentIndex() == 2 else None,
            customer_tag=self.customer_tag.text() if self.customers.currentIndex() == 1 else None,
            starts_at=_naive(self.starts_at) if self.start_later.isChecked() else None,
            ends_at=_naive(self.ends_at) if self.has_end.isChecked() else None,
            usage_limit=self.usage_limit.value() if self.limit_uses.isChecked() else None,
            once_per_customer=self.once_per_customer.isChecked(),
            combines_with=frozenset(c for c, box in self.combines.items() if box.isChecked()),
            is_active=self.detail.data.is_active if self.detail else True,
        )

    def _fill(self, detail: PromotionDetail) -> None:
        d = detail.data
        self.title.setText(d.title)
        self.method.setCurrentIndex(self.method.findData(d.method))
        self.code.setText(d.code or "")
        self.kind.setCurrentIndex(self.kind.findData(d.kind))
        if d.kind is Kind.PERCENTAGE:
            self.percentage.setValue(d.value / 100)
        elif d.kind is Kind.FIXED_AMOUNT:
            self.amount.set_value(d.value)
        elif d.kind is Kind.BUY_X_GET_Y:
            self.get_percentage.setValue(d.value / 100)
            self.buy_quantity.setValue(d.buy_quantity)
            self.get_quantity.setValue(d.get_quantity)
            self.repeat_limit.setValue(d.repeat_limit or 0)
        self.per_item.setChecked(d.per_item)
        self.shipping_ceiling.set_value(d.shipping_ceiling)
        self.target.setCurrentIndex(self.target.findData(d.target))
        if d.min_subtotal is not None:
            self.minimum.setCurrentIndex(1)
            self.min_subtotal.set_value(d.min_subtotal)
        elif d.min_quantity is not None:
            self.minimum.setCurrentIndex(2)
            self.min_quantity.setValue(d.min_quantity)
        if d.customer_tag:
            self.customers.setCurrentIndex(1)
            self.customer_tag.setText(d.customer_tag)
        if d.starts_at is not None:
            self.start_later.setChecked(True)
            self.starts_at.setDateTime(_qt(d.starts_at))
        if d.ends_at is not None:
            self.has_end.setChecked(True)
            self.ends_at.setDateTime(_qt(d.ends_at))
        if d.usage_limit is not None:
            self.limit_uses.setChecked(True)
            self.usage_limit.setValue(d.usage_limit)
        self.once_per_customer.setChecked(d.once_per_customer)
        for cls, box in self.combines.items():
            box.setChecked(cls in d.combines_with)

    # -- preview -----------------------------------------------------------------------------

    def _build_preview(self) -> QGroupBox:
        group = QGroupBox("Preview on a sample cart (nothing is saved)")
        self.sample_search = QLineEdit(placeholderText="Add an item: title or SKU, then Enter")
        self.sample_search.returnPressed.connect(self._on_sample_search)
        self.sample_found = QComboBox(minimumContentsLength=28)
        self.sample_found.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        add = QPushButton("Add to cart")
        add.clicked.connect(self._on_sample_add)
        self.sample_shipping = MoneyField(self.money, allow_empty=True)
        self.sample_shipping.setPlaceholderText("shipping")
        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self._on_preview)
        top = QHBoxLayout()
        for widget in (self.sample_search, self.sample_found, add, self.sample_shipping):
            top.addWidget(widget)
        top.addWidget(self.preview_button)
        self.sample_table = QTableWidget(0, 4)
        self.sample_table.setHorizontalHeaderLabels(["Item", "Quantity", "Price", "Discount"])
        header = self.sample_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.sample_table.verticalHeader().hide()
        self.sample_table.setMaximumHeight(120)
        self.result = QLabel(
            "Add items and press Preview to see the totals and which promotions apply.",
            wordWrap=True,
            objectName="previewResult",
            textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse,
        )
        layout = QVBoxLayout(group)
        layout.addLayout(top)
        layout.addWidget(self.sample_table)
        layout.addWidget(self.result)
        return group

    def _on_sample_search(self) -> None:
        term = self.sample_search.text().strip()
        if not term:
            return
        find_variants(self.context, term, self._on_sample_found)

    def _on_sample_found(self, page: Any) -> None:
        self.sample_found.clear()
        for row in page.rows:
            name = variant_name(row)
            label = f"{name} · {self.money.format(row.price)}"
            self.sample_found.addItem(label, (row.variant_id, name, row.price))
        if not page.rows:
            self.sample_found.addItem("Nothing matches", None)

    def _on_sample_add(self) -> None:
        found = self.sample_found.currentData()
        if found is None:
            return
        variant_id, name, price = found
        self.add_sample_line(variant_id, name, price)

    def add_sample_line(self, variant_id: int, name: str, price: int, quantity: int = 1) -> None:
        row = self.sample_table.rowCount()
        self.sample_table.insertRow(row)
        self.sample_table.setItem(row, 0, QTableWidgetItem(name))
        spin = QSpinBox(minimum=1, maximum=999, value=quantity)
        self.sample_table.setCellWidget(row, 1, spin)
        self.sample_table.setItem(row, 2, QTableWidgetItem(self.money.format(price)))
        self.sample_table.setItem(row, 3, QTableWidgetItem(""))
        self._sample.append((variant_id, name, spin))

    def _on_preview(self) -> None:
        if not self._sample:
            self.result.setText("Add at least one item to the sample cart first.")
            return
        data = self.data()
        sample = [SampleLine(v, spin.value()) for v, _, spin in self._sample]
        store, actor = self.context.store, self.context.actor
        promotion_id = self.detail.id if self.detail else None
        shipping = self.sample_shipping.value() or 0
        self.context.tasks.query(
            lambda: preview_promotion(
                store.unit_of_work(),
                actor,
                data,
                sample,
                promotion_id=promotion_id,
                shipping=shipping,
            ),
            on_done=self._on_previewed,
            on_error=self._on_preview_refused,
        )

    def _on_preview_refused(self, error: BaseException) -> None:
        if isinstance(error, DomainError):
            self.show_error(error)
        else:
            self.context.tasks.report_error(error, self)

    def _on_previewed(self, priced: PricedCart) -> None:
        self.clear_messages()
        money = self.money.in_currency(priced.currency).format
        for row, line in enumerate(priced.lines):
            self.sample_table.setItem(
                row, 3, QTableWidgetItem(f"−{money(line.discount)}" if line.discount else "")
            )
        lines = [
            f"<b>Subtotal {money(priced.subtotal)} · discounts −{money(priced.discount_total)} · "
            f"shipping {money(priced.shipping - priced.shipping_discount)} · "
            f"total {money(priced.total)}</b>"
        ]
        lines += [f"✔ {_escape(a.title)}: {_escape(a.description)}" for a in priced.applied]
        lines += [f"✘ {_escape(r.title)}: {_escape(r.message)}" for r in priced.rejected]
        self.result.setText("<br>".join(lines))

    # -- saving ----------------------------------------------------------------------------

    def form_state(self) -> dict[str, Any]:
        return {"promotion": self.data()}

    def can_save(self) -> bool:
        return self.context.can("promotions.edit")

    def save(self) -> None:
        data = self.data()
        store, actor = self.context.store, self.context.actor
        if self.detail is None:
            self.submit(
                self.context.tasks, lambda: create_promotion(store.unit_of_work(), actor, data)
            )
            return
        detail = self.detail
        self.submit(
            self.context.tasks,
            lambda: update_promotion(
                store.unit_of_work(), actor, detail.id, data, expected_version=detail.version
            ),
        )

    def show_error(self, error: DomainError) -> None:
        if isinstance(error, ValidationFailed) and any(n in _LINE_OF for n in error.fields):
            # fields that share a row of the form show on that row's line
            fields: dict[str, str] = {}
            for name, text in error.fields.items():
                line = _LINE_OF.get(name, name)
                fields[line] = " ".join(filter(None, [fields.get(line), text]))
            error = ValidationFailed(str(error), fields=fields)
        super().show_error(error)


def find_variants(context: ViewContext, term: str, on_done: Callable[[Any], None]) -> None:
    """The catalog's variants matching ``term`` (title, SKU, barcode), off the UI thread."""
    store = context.store
    context.tasks.query(
        lambda: list_variants(store.unit_of_work(), PageRequest(search=term, limit=25)),
        on_done=on_done,
    )


def variant_name(row: Any) -> str:
    """ "Linen shirt – Large", or "Linen shirt" for a product without options."""
    if row.variant_title in ("", DEFAULT_TITLE):
        return row.product_title
    return f"{row.product_title} – {row.variant_title}"


def _naive(edit: QDateTimeEdit) -> datetime:
    """The time typed, in the store's time zone (the service reads a naive time so)."""
    return edit.dateTime().toPython().replace(second=0, microsecond=0, tzinfo=None)


def _qt(moment: datetime) -> QDateTime:
    return QDateTime(moment.replace(tzinfo=None))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
