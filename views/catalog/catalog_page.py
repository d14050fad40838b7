"""The Catalog area: every variant in one list that pages by keyset as it scrolls, searched as
the merchandiser types, filtered and sorted by the database; products opened for editing;
bulk edits, imports, exports and publishing from the same screen.

Keyboard: Ctrl+F search, Enter open the product, Ctrl+N new product, Ctrl+B bulk edit,
Ctrl+I import, Ctrl+E export, Ctrl+Shift+P publish, F5 reload.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.status import ProductStatus
from services.catalog.bulk import Selection
from services.catalog.publishing import publish_products, unpublish_products
from services.catalog.queries import (
    CatalogFilter,
    CatalogSort,
    StockFilter,
    count_variants,
    find_product_id_of_variant,
    list_collections,
    list_product_types,
    list_variants,
    list_vendors,
)
from services.catalog.records import VariantRow
from services.paging import Page as ResultPage
from services.paging import PageRequest
from views import shortcuts
from views.context import ViewContext
from views.widgets.forms import OpenEditors
from views.widgets.lazy_table import RIGHT, Column, KeysetTableModel
from views.widgets.money_field import MoneyField, money_column
from views.widgets.page import Page
from views.widgets.search_box import SearchBox
from views.widgets.table_view import ListView
from views.wording import counted

STATUS_COLORS = {"draft": "#8a6d00", "archived": "#80868b", "active": "#1e7d32"}
SETTINGS = "catalog"


def _stock_color(value: int) -> str | None:
    return "#c5221f" if value < 0 else ("#80868b" if value == 0 else None)


class CatalogPage(Page):
    """Attributes:
    search, model, table: the list and its search box.
    status_filter, vendor_filter, type_filter, collection_filter, stock_filter, price_min,
    price_max: the filters; they persist between runs.
    dialog: the dialog open now (tests reach it here).
    """

    title = "Catalog"
    permission = None
    topics = ("product.", "collection.", "inventory.", "stock.")
    opens = ("variant",)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.dialog: QDialog | None = None
        self.editors = OpenEditors()
        self._loaded_choices = False
        self._restoring = False

        self.search = SearchBox("Search title, SKU, barcode, vendor or tag  (Ctrl+F)")
        self.search.setObjectName("catalogSearch")
        self.search.search_changed.connect(lambda _: self._apply())
        self.search.focus_shortcut(self)
        self.status_filter = QComboBox()
        self.status_filter.addItem("Any status", None)
        for status in ProductStatus:
            self.status_filter.addItem(status.value.capitalize(), status.value)
        self.vendor_filter = QComboBox(minimumWidth=140)
        self.vendor_filter.addItem("Any vendor", None)
        self.type_filter = QComboBox(minimumWidth=120)
        self.type_filter.addItem("Any type", None)
        self.collection_filter = QComboBox(minimumWidth=140)
        self.collection_filter.addItem("Any collection", None)
        self.stock_filter = QComboBox()
        self.stock_filter.addItem("Any stock", None)
        for value, label in (
            (StockFilter.IN_STOCK, "In stock"),
            (StockFilter.OUT_OF_STOCK, "Out of stock"),
            (StockFilter.LOW_STOCK, "Low stock"),
        ):
            self.stock_filter.addItem(label, value.value)
        self.price_min = MoneyField(context.money, allow_empty=True)
        self.price_min.setPlaceholderText("Price from")
        self.price_max = MoneyField(context.money, allow_empty=True)
        self.price_max.setPlaceholderText("to")
        for field in (self.price_min, self.price_max):
            field.setMaximumWidth(90)
            field.editingFinished.connect(self._apply)
        for combo in (
            self.status_filter,
            self.vendor_filter,
            self.type_filter,
            self.collection_filter,
            self.stock_filter,
        ):
            combo.currentIndexChanged.connect(lambda _: self._apply())
        self.clear_filters = QToolButton(text="Clear")
        self.clear_filters.setToolTip("Show every variant again")
        self.clear_filters.clicked.connect(self._on_clear_clicked)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for widget in (
            self.status_filter,
            self.vendor_filter,
            self.type_filter,
            self.collection_filter,
            self.stock_filter,
            self.price_min,
            self.price_max,
            self.clear_filters,
        ):
            filters.addWidget(widget)

        self.new_button = QPushButton("New product")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.open_product(None))
        self.bulk_button = QPushButton("Bulk edit…")
        self.bulk_button.setToolTip(
            "Change the selected variants, or every variant the filter matches (Ctrl+B)"
        )
        self.bulk_button.clicked.connect(self.open_bulk_edit)
        self.publish_button = QToolButton(text="Publish")
        self.publish_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        publish_menu = QMenu(self.publish_button)
        publish_menu.addAction("Publish selected products", lambda: self._publish(True))
        publish_menu.addAction("Unpublish selected products", lambda: self._publish(False))
        self.publish_button.setMenu(publish_menu)
        self.publish_button.clicked.connect(lambda: self._publish(True))
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("A Shopify or WooCommerce product CSV (Ctrl+I)")
        self.import_button.clicked.connect(self.open_import)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("A Shopify product CSV of all, or of the filter (Ctrl+E)")
        self.export_button.clicked.connect(self.open_export)
        self.history_button = QPushButton("Bulk edit history…")
        self.history_button.clicked.connect(self.open_history)
        self.collections_button = QPushButton("Collections…")
        self.collections_button.clicked.connect(self.open_collections)
        self.count_label = QLabel(objectName="catalogCount")
        actions = QHBoxLayout()
        for widget in (
            self.new_button,
            self.bulk_button,
            self.publish_button,
            self.import_button,
            self.export_button,
            self.history_button,
            self.collections_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        self._enable_actions()

        self.model = KeysetTableModel(self._columns(), self._fetch, context.tasks)
        self.model.loaded.connect(self._on_model_loaded)
        self.model.failed.connect(lambda message: self.count_label.setText(message))
        self.table = ListView(model=self.model, settings=context.settings, settings_key=SETTINGS)
        self.table.setObjectName("catalogTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        if context.settings.value(f"{SETTINGS}/header") is None:
            # Qt's header starts "descending"; the catalog reads A to Z until told otherwise
            self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        # a double-click also "activates" (as Enter does): one connection, one editor
        self.table.activated.connect(lambda _: self._open_current())
        self.empty = QLabel(
            "No variants match. Clear the filters, or import a product file.",
            alignment=Qt.AlignmentFlag.AlignCenter,
            objectName="emptyState",
        )
        self.empty.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

        for key, slot in (
            ("Ctrl+N", lambda: self.open_product(None)),
            ("Ctrl+B", self.open_bulk_edit),
            ("Ctrl+I", self.open_import),
            ("Ctrl+E", self.open_export),
            ("Ctrl+Shift+P", lambda: self._publish(True)),
            ("F5", self.refresh),
        ):
            shortcuts.bind(shortcuts.CATALOG, key, self, slot)
        self._restore_filters()

    # -- the list --------------------------------------------------------------------------

    def _columns(self) -> list[Column]:
        money = self.context.money
        return [
            Column("product_title", "Product", CatalogSort.TITLE.value, width=23),
            Column("variant_title", "Variant", width=14),
            Column("sku", "SKU", CatalogSort.SKU.value, width=18),
            Column("barcode", "Barcode", width=16),
            Column("vendor", "Vendor", CatalogSort.VENDOR.value, width=16),
            Column("product_type", "Type", CatalogSort.TYPE.value, width=10),
            Column(
                "status",
                "Status",
                format=lambda s: s.capitalize(),
                color=STATUS_COLORS.get,
                width=8,
            ),
            Column("published", "Online", format=lambda p: "●" if p else "", width=5),
            money_column("price", "Price", money, sort=CatalogSort.PRICE.value, width=9),
            money_column("compare_at_price", "Compare-at", money, width=10),
            Column("available", "Available", align=RIGHT, color=_stock_color, width=9),
            Column(
                "inventory_policy",
                "Sold out",
                format=lambda p: "keep selling" if p == "continue" else "stop",
                width=10,
            ),
        ]

    def _fetch(self, request: PageRequest) -> ResultPage[VariantRow]:
        return list_variants(self.context.store.unit_of_work(), request)

    def current_filter(self) -> CatalogFilter:
        """What the list shows now, as the services take it ("all matching" for bulk edits)."""
        return CatalogFilter.from_mapping(self._filter_values(), search=self.search.text().strip())

    def _filter_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.status_filter.currentData():
            values["statuses"] = (self.status_filter.currentData(),)
        if self.vendor_filter.currentData():
            values["vendors"] = (self.vendor_filter.currentData(),)
        if self.type_filter.currentData():
            values["product_types"] = (self.type_filter.currentData(),)
        if self.collection_filter.currentData():
            values["collection_id"] = int(self.collection_filter.currentData())
        if self.stock_filter.currentData():
            values["stock"] = self.stock_filter.currentData()
        if self.price_min.value() is not None:
            values["price_min"] = self.price_min.value()
        if self.price_max.value() is not None:
            values["price_max"] = self.price_max.value()
        return values

    def _apply(self) -> None:
        if self._restoring:
            return
        values = self._filter_values()
        self._save_filters(values)
        self.model.set_query(search=self.search.text().strip(), filters=values)
        self._count()

    def _count(self) -> None:
        self.count_label.setText("Counting…")
        self.context.tasks.query(
            count_variants,
            self.context.store.unit_of_work(),
            self.current_filter(),
            up_to=100_000,
            label="Counting variants",
            on_done=self._on_counted,
            on_error=lambda _: self.count_label.setText(""),
        )

    def _on_counted(self, count: int) -> None:
        if count >= 100_000:
            self.count_label.setText(counted(100_000, "%Ln+ variant(s)"))
        else:
            self.count_label.setText(counted(count, "%Ln variant(s)"))

    def _on_model_loaded(self, rows: int) -> None:
        self.empty.setVisible(rows == 0 and self.model.is_complete)
        self._enable_actions()

    def _on_clear_clicked(self) -> None:
        self._restoring = True
        for combo in (
            self.status_filter,
            self.vendor_filter,
            self.type_filter,
            self.collection_filter,
            self.stock_filter,
        ):
            combo.setCurrentIndex(0)
        self.price_min.clear()
        self.price_max.clear()
        self.search.clear()
        self._restoring = False
        self._apply()

    # -- filters remembered between runs ---------------------------------------------------

    def _save_filters(self, values: dict[str, Any]) -> None:
        settings = self.context.settings
        settings.setValue(f"{SETTINGS}/search", self.search.text())
        for name in ("statuses", "vendors", "product_types"):
            chosen = values.get(name)
            settings.setValue(f"{SETTINGS}/{name}", chosen[0] if chosen else "")
        for name in ("collection_id", "stock", "price_min", "price_max"):
            settings.setValue(
                f"{SETTINGS}/{name}", "" if values.get(name) is None else values[name]
            )

    def _restore_filters(self) -> None:
        settings = self.context.settings
        self._restoring = True
        self.search.setText(str(settings.value(f"{SETTINGS}/search", "") or ""))
        _select(self.status_filter, settings.value(f"{SETTINGS}/statuses", ""))
        _select(self.stock_filter, settings.value(f"{SETTINGS}/stock", ""))
        for field, name in ((self.price_min, "price_min"), (self.price_max, "price_max")):
            raw = settings.value(f"{SETTINGS}/{name}", "")
            field.set_value(int(raw) if str(raw).lstrip("-").isdigit() else None)
        self._restoring = False

    def _load_choices(self) -> None:
        """Vendors, types and collections for the filters (in the background)."""
        tasks, store = self.context.tasks, self.context.store
        tasks.query(
            list_vendors, store.unit_of_work(), on_done=lambda v: self._fill(self.vendor_filter, v)
        )
        tasks.query(
            list_product_types,
            store.unit_of_work(),
            on_done=lambda t: self._fill(self.type_filter, t),
        )
        tasks.query(
            list_collections,
            store.unit_of_work(),
            on_done=lambda c: self._fill(self.collection_filter, [(x.title, x.id) for x in c]),
        )

    def _fill(self, combo: QComboBox, values: list[Any]) -> None:
        keys = {
            self.vendor_filter: "vendors",
            self.type_filter: "product_types",
            self.collection_filter: "collection_id",
        }
        wanted = combo.currentData() or self.context.settings.value(f"{SETTINGS}/{keys[combo]}", "")
        self._restoring = True
        combo.clear()
        combo.addItem(combo.property("anyText") or _ANY[keys[combo]], None)
        for value in values:
            label, data = value if isinstance(value, tuple) else (value, value)
            combo.addItem(label, data)
        _select(combo, wanted)
        self._restoring = False
        if combo.currentData() != (wanted or None):
            self._apply()

    # -- Page ------------------------------------------------------------------------------

    def on_shown(self) -> None:
        if not self._loaded_choices:
            self._loaded_choices = True
            self._load_choices()
            self._apply()

    def refresh(self) -> None:
        """Load the list again from its first page, and count it again."""
        self.model.reload()
        self._count()

    def on_store_changed(self, topics: set[str]) -> None:
        if self.cares_about(topics):
            self.refresh()
            if any(t.startswith("collection.") for t in topics):
                self._load_choices()

    def open_item(self, kind: str, item_id: int) -> None:
        if kind == "variant":
            self.context.tasks.query(
                find_product_id_of_variant,
                self.context.store.unit_of_work(),
                item_id,
                on_done=self.open_product,
            )

    # -- actions ---------------------------------------------------------------------------

    def _enable_actions(self) -> None:
        can = self.context.can
        self.new_button.setEnabled(can("catalog.edit"))
        self.bulk_button.setEnabled(can("catalog.import"))
        self.history_button.setEnabled(can("catalog.import"))
        self.import_button.setEnabled(can("catalog.import"))
        self.publish_button.setEnabled(can("catalog.publish"))

    def _open_current(self) -> None:
        row = self.table.current_row()
        if isinstance(row, VariantRow):
            self.open_product(row.product_id)

    def open_product(self, product_id: int | None) -> None:
        from views.catalog.product_editor import ProductEditorDialog

        def make() -> QDialog:
            editor = ProductEditorDialog(self.context, product_id, parent=self)
            editor.saved.connect(lambda _: self.refresh())
            return self._keep(editor)

        self.dialog = self.editors.open(("product", product_id), make)

    def selection(self) -> tuple[Selection, str]:
        """The selected variants, or every variant matching the filter when none is selected."""
        rows = [r for r in self.table.selected_rows() if isinstance(r, VariantRow)]
        if rows:
            n = len(rows)
            return (
                Selection(variant_ids=tuple(r.variant_id for r in rows)),
                counted(n, "%Ln selected variant(s)"),
            )
        return Selection(matching=self.current_filter()), "every variant the filter matches"

    def open_bulk_edit(self) -> None:
        if not self.context.can("catalog.import"):
            return
        from views.catalog.bulk_edit import BulkEditDialog

        selection, described = self.selection()
        dialog = BulkEditDialog(self.context, selection, described, parent=self)
        dialog.applied.connect(lambda _: self.refresh())
        self._show(dialog)

    def open_history(self) -> None:
        from views.catalog.bulk_edit import BulkHistoryDialog

        dialog = BulkHistoryDialog(self.context, parent=self)
        dialog.reverted.connect(lambda _: self.refresh())
        self._show(dialog)

    def open_collections(self) -> None:
        from views.catalog.collections_dialog import CollectionsDialog

        dialog = CollectionsDialog(self.context, parent=self)
        dialog.changed.connect(self._load_choices)
        self._show(dialog)

    def open_import(self) -> None:
        if not self.context.can("catalog.import"):
            return
        from views.catalog.import_dialog import ImportDialog

        dialog = ImportDialog(self.context, parent=self)
        dialog.imported.connect(lambda _: (self.refresh(), self._load_choices()))
        self._show(dialog)

    def open_export(self) -> None:
        from views.catalog.import_dialog import ExportDialog

        self._show(ExportDialog(self.context, self.current_filter(), parent=self))

    def _publish(self, publish: bool) -> None:
        if not self.context.can("catalog.publish"):
            return
        rows = [r for r in self.table.selected_rows() if isinstance(r, VariantRow)]
        products = sorted({r.product_id for r in rows})
        if not products:
            QMessageBox.information(self, "Publish", "Select the products' variants first.")
            return
        self.context.tasks.change(
            publish_products if publish else unpublish_products,
            self.context.store.unit_of_work(),
            self.context.actor,
            products,
            label="Publishing" if publish else "Unpublishing",
            busy=self.publish_button,
            on_done=lambda _: self.refresh(),
        )

    def _show(self, dialog: QDialog) -> None:
        self._keep(dialog).show()

    def _keep(self, dialog: QDialog) -> QDialog:
        """``dialog`` as the one open now (``self.dialog``), gone from memory once closed."""
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(
            lambda _: setattr(self, "dialog", None) if self.dialog is dialog else None
        )
        return dialog


_ANY = {"vendors": "Any vendor", "product_types": "Any type", "collection_id": "Any collection"}


def _select(combo: QComboBox, value: object) -> None:
    if value in (None, ""):
        combo.setCurrentIndex(0)
        return
    for i in range(combo.count()):
        if str(combo.itemData(i)) == str(value):
            combo.setCurrentIndex(i)
            return
