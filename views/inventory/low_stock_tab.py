"""Low stock: items at or below their reorder point, what incoming stock covers, what to order;
select lines and turn them into a purchase order (Ctrl+O)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.inventory.purchasing import PurchaseOrderDetail, SupplierRow, list_suppliers
from services.inventory.replenishment import LowStockRow, list_low_stock, order_low_stock
from views import shortcuts
from views.context import ViewContext
from views.inventory.common import (
    MUTED,
    RED,
    LocationCombo,
    negative_red,
    stretch_column,
)
from views.widgets.lazy_table import RIGHT, Column, KeysetTableModel
from views.widgets.table_view import ListView
from views.wording import counted

COLUMNS = [
    Column("sku", "SKU", width=19),
    Column("product_title", "Product", width=26),
    Column("variant_title", "Variant", width=14),
    Column("vendor", "Vendor", width=16),
    Column("location_name", "Location", width=18),
    Column("available", "Available", align=RIGHT, color=negative_red, width=11),
    Column("incoming", "Incoming", align=RIGHT, width=10),
    Column("reorder_point", "Reorder at", align=RIGHT, width=11),
    Column("suggested", "Order", align=RIGHT, width=8),
]


class OrderFromLowStockDialog(QDialog):
    """Choose the supplier for a purchase order of the selected low-stock lines."""

    ordered = Signal(object)

    def __init__(
        self, context: ViewContext, rows: list[LowStockRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context, self.rows = context, rows
        self.setWindowTitle("Order low stock")
        self.supplier = QComboBox(minimumWidth=220)
        units = sum(r.suggested for r in rows)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {RED};")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Draft purchase order")
        self.buttons.accepted.connect(self.order)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                counted(len(rows), "%Ln item(s), ")
                + counted(units, "%Ln unit(s), ")
                + f"to {rows[0].location_name}. The draft opens "
                "under Receiving, where quantities and costs can still change.",
                wordWrap=True,
            )
        )
        form.addRow("Supplier", self.supplier)
        form.addRow(self.message)
        form.addRow(self.buttons)
        self.tasks.query(list_suppliers, context.store.unit_of_work(), on_done=self._on_suppliers)

    def _on_suppliers(self, suppliers: list[SupplierRow]) -> None:
        for supplier in suppliers:
            self.supplier.addItem(supplier.name, supplier.id)
        if not suppliers:
            self.message.setText("Add a supplier under Receiving first.")

    def order(self) -> None:
        supplier_id = self.supplier.currentData()
        if supplier_id is None:
            self.message.setText("Choose a supplier.")
            return
        location_id = self.rows[0].location_id
        lines = [(r.variant_id, r.suggested) for r in self.rows]
        self.tasks.change(
            lambda: order_low_stock(
                self.context.store.unit_of_work(),
                self.context.actor,
                supplier_id=supplier_id,
                location_id=location_id,
                lines=lines,
            ),
            on_done=self._on_ordered,
            on_error=lambda error: self.message.setText(str(error)),
            busy=self.buttons,
        )

    def _on_ordered(self, detail: PurchaseOrderDetail) -> None:
        self.ordered.emit(detail)
        self.accept()


class LowStockTab(QWidget):
    """Signals:
    purchase_order_drafted(object): the PurchaseOrderDetail made from the selection.
    """

    purchase_order_drafted = Signal(object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.dialog: QWidget | None = None
        self.location = LocationCombo(context, allow_all=True)
        self.location.location_changed.connect(self._on_location_changed)
        self.needs_order = QCheckBox("Only what incoming stock does not cover")
        self.needs_order.setChecked(True)
        self.needs_order.toggled.connect(lambda _: self._apply())
        self.order_button = QPushButton(
            "Order selected… (Ctrl+O)", enabled=context.can("inventory.receive")
        )
        self.order_button.clicked.connect(self.order_selected)
        self.count_label = QLabel()
        self.count_label.setStyleSheet(f"color: {MUTED};")
        bar = QHBoxLayout()
        bar.addWidget(self.location)
        bar.addWidget(self.needs_order)
        bar.addStretch()
        bar.addWidget(self.count_label)
        bar.addWidget(self.order_button)
        self.model = KeysetTableModel(
            COLUMNS,
            lambda request: list_low_stock(context.store.unit_of_work(), request),
            context.tasks,
        )
        self.model.loaded.connect(self._on_loaded)
        self.table = ListView(
            self.model, settings=context.settings, settings_key="inventory/low_stock"
        )
        self.table.setSortingEnabled(False)
        self.table.setSelectionMode(ListView.SelectionMode.ExtendedSelection)
        stretch_column(self.table, 1)
        self.empty = QLabel(
            "Nothing is at or below its reorder point. Set reorder points on the Stock tab "
            "(Ctrl+R)."
        )
        self.empty.setStyleSheet(f"color: {MUTED}; padding: 24px;")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        shortcuts.bind(shortcuts.LOW_STOCK, "Ctrl+O", self, self.order_selected)

    def _on_location_changed(self, location_id: int | None) -> None:
        self.table.setColumnHidden(4, location_id is not None)
        self._apply()

    def _apply(self) -> None:
        filters: dict[str, object] = {"needs_order": self.needs_order.isChecked()}
        if self.location.location_id is not None:
            filters["location_id"] = self.location.location_id
        self.model.set_query(filters=filters)

    def reload(self) -> None:
        self.model.reload()

    def _on_loaded(self, count: int) -> None:
        text = "%Ln item(s)" if self.model.is_complete else "%Ln+ item(s)"
        self.count_label.setText(counted(count, text))
        self.empty.setVisible(count == 0)
        self.table.setVisible(count > 0)

    def order_selected(self) -> None:
        if not self.context.can("inventory.receive"):
            return
        rows = [r for r in self.table.selected_rows() if isinstance(r, LowStockRow)]
        rows = [r for r in rows if r.suggested > 0] or rows
        if not rows:
            return
        if len({r.location_id for r in rows}) > 1:
            QMessageBox.information(
                self,
                "One location at a time",
                "A purchase order is received at one location: choose it above.",
            )
            return
        dialog = OrderFromLowStockDialog(self.context, rows, self)
        self.dialog = dialog
        dialog.ordered.connect(self._on_ordered)
        dialog.show()

    def _on_ordered(self, detail: PurchaseOrderDetail) -> None:
        self.reload()
        self.purchase_order_drafted.emit(detail)
