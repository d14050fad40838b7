"""The product editor: everything a storefront needs, saved at once.

Tabs: Product (title, handle, description, vendor, type, tags, status, SEO), Variants (up to
three options and the variant grid; adding an option value adds the missing variants), Images
(from files or addresses, ordered, with alt text) and Collections. Findings (errors and
warnings) update in the background as the merchant types. If someone else saved the product
meanwhile, saving shows what they changed and offers to reload; nothing is overwritten.

Closing with changes not saved asks first; a refused save keeps every edit and says why on
the field. Keyboard: Ctrl+S save, Esc close, Ctrl+Shift+N add a variant row.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.money import MoneyError
from models.status import ProductStatus
from services.catalog.products import (
    ImageDraft,
    OptionDraft,
    ProductDraft,
    VariantDraft,
    add_option,
    add_option_value,
    save_product,
    validate_product,
)
from services.catalog.queries import get_product, list_collections
from services.catalog.records import CollectionRow, Finding, ProductDetail, SavedProduct, Severity
from services.errors import Conflict, DomainError, ValidationFailed
from views import shortcuts
from views.context import ViewContext
from views.widgets.empty_state import EmptyState
from views.widgets.forms import FormDialog
from views.widgets.money_field import MoneyDelegate

#: fixed columns of the variant grid after the option columns
GRID = ("SKU", "Barcodes", "Price", "Compare-at", "Cost", "Weight (g)", "When sold out", "On hand")
_ID = Qt.ItemDataRole.UserRole
_VALIDATE_AFTER_MS = 400


class ProductEditorDialog(FormDialog):
    """Signals:
    saved(object): the ProductDetail as stored after a save.

    Attributes:
        title, handle, vendor, product_type, tags, status, description, seo_title,
        seo_description: the product fields.
        option_names, option_values, new_value: per option (three rows).
        grid: the variant grid; images, collections: their lists; findings: what is wrong.
    """

    def __init__(
        self, context: ViewContext, product_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.product_id = product_id
        self.detail: ProductDetail | None = None
        self._collections: list[CollectionRow] = []
        self._filling = False
        self._draft_base = ProductDraft()
        self.conflict_box: QMessageBox | None = None
        self.warnings_box: QMessageBox | None = None
        self.setWindowTitle("New product" if product_id is None else "Product")
        self.resize(1000, 680)

        self._money_cells = MoneyDelegate(context.money, self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._product_tab(), "Product")
        self.tabs.addTab(self._variants_tab(), "Variants")
        self.tabs.addTab(self._images_tab(), "Images")
        self.tabs.addTab(self._collections_tab(), "Collections")
        self.findings = QLabel(objectName="findings", wordWrap=True)
        self.findings.setTextFormat(Qt.TextFormat.RichText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(context.can("catalog.edit"))
        self.save_button.setAutoDefault(False)
        self.save_button.setToolTip("Ctrl+S")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.findings)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        shortcuts.bind(shortcuts.PRODUCT, "Ctrl+S", self, self.save)
        shortcuts.bind(shortcuts.PRODUCT, "Ctrl+Shift+N", self, self.add_variant_row)

        self._validate_timer = QTimer(self, singleShot=True, interval=_VALIDATE_AFTER_MS)
        self._validate_timer.timeout.connect(self._validate)
        for widget in (self.title, self.handle, self.vendor, self.product_type, self.tags):
            widget.textEdited.connect(lambda _: self._changed())
        self.grid.itemChanged.connect(lambda _: self._changed())

        tasks, store = context.tasks, context.store
        tasks.query(list_collections, store.unit_of_work(), on_done=self._on_collections)
        if product_id is None:
            self._fill(ProductDraft(variants=(VariantDraft(),)))
        else:
            self.reload()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter confirms a field (adds an option value, ends a cell edit); it must not save and
        # close the whole product as a dialog's default button would. Ctrl+S saves.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- building the tabs -----------------------------------------------------------------

    def _product_tab(self) -> QWidget:
        self.title = QLineEdit(objectName="title")
        self.handle = QLineEdit(objectName="handle")
        self.handle.setPlaceholderText("made from the title")
        self.vendor = QLineEdit()
        self.product_type = QLineEdit()
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("summer, linen, sale")
        self.status = QComboBox()
        for status in ProductStatus:
            self.status.addItem(status.value.capitalize(), status.value)
        self.status.currentIndexChanged.connect(lambda _: self._changed())
        self.published = QLabel()
        self.description = QTextEdit()
        self.description.setAcceptRichText(True)
        self.description.setPlaceholderText("What the storefront shows about the product")
        self.seo_title = QLineEdit()
        self.seo_title.setMaxLength(70)
        self.seo_description = QLineEdit()
        self.seo_description.setMaxLength(320)
        form = QFormLayout()
        form.addRow("Title", self.field("title", self.title))
        form.addRow("Handle", self.field("handle", self.handle))
        form.addRow("Vendor", self.vendor)
        form.addRow("Type", self.product_type)
        form.addRow("Tags", self.tags)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        status_row.addWidget(self.published, 1)
        form.addRow("Status", status_row)
        form.addRow("Description", self.description)
        form.addRow("SEO title", self.seo_title)
        form.addRow("SEO description", self.seo_description)
        tab = QWidget()
        tab.setLayout(form)
        return tab

    def _variants_tab(self) -> QWidget:
        options = QGridLayout()
        options.addWidget(QLabel("Option"), 0, 0)
        options.addWidget(QLabel("Values"), 0, 1)
        options.addWidget(QLabel("Add a value (Enter adds its variants)"), 0, 2)
        self.option_names: list[QLineEdit] = []
        self.option_values: list[QLabel] = []
        self.new_value: list[QLineEdit] = []
        for i in range(3):
            name = QLineEdit(objectName=f"option{i + 1}Name")
            name.setPlaceholderText(("Size", "Colour", "Material")[i])
            values = QLabel(objectName=f"option{i + 1}Values")
            add = QLineEdit(objectName=f"option{i + 1}NewValue")
            add.setPlaceholderText("XL")
            add.returnPressed.connect(lambda i=i: self.add_value(i))
            self.option_names.append(name)
            self.option_values.append(values)
            self.new_value.append(add)
            options.addWidget(name, i + 1, 0)
            options.addWidget(values, i + 1, 1)
            options.addWidget(add, i + 1, 2)
        options.setColumnStretch(1, 1)
        option_rows = QWidget()
        option_rows.setLayout(options)
        self.add_option_button = QPushButton("Add option")
        self.add_option_button.setToolTip("A product has up to three options, such as Size")
        self.add_option_button.clicked.connect(self.add_option)
        self.grid = QTableWidget(0, len(GRID), objectName="variantGrid")
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.verticalHeader().hide()
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setStretchLastSection(True)
        add_row = QPushButton("Add variant")
        add_row.clicked.connect(self.add_variant_row)
        remove_row = QPushButton("Remove variant")
        remove_row.clicked.connect(self._remove_variant_rows)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_option_button)
        buttons.addWidget(add_row)
        buttons.addWidget(remove_row)
        buttons.addStretch(1)
        layout = QVBoxLayout()
        layout.addWidget(self.field("options", option_rows))
        layout.addWidget(self.grid, 1)
        layout.addLayout(buttons)
        tab = QWidget()
        tab.setLayout(layout)
        return tab

    def _images_tab(self) -> QWidget:
        self.images = QListWidget(objectName="images")
        self.images_empty = EmptyState(
            self.images,
            "No images yet. Add one from a file, or paste an image address below.",
        )
        self.images.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.images.currentRowChanged.connect(self._on_image_selected)
        self.alt_text = QLineEdit()
        self.alt_text.setPlaceholderText("Describe the image for people who cannot see it")
        self.alt_text.textEdited.connect(self._on_alt_edited)
        add_file = QPushButton("Add from file…")
        add_file.clicked.connect(self._add_image_files)
        add_url = QLineEdit()
        add_url.setPlaceholderText("…or paste an image address and press Enter")
        add_url.returnPressed.connect(lambda: self._add_image_url(add_url))
        up = QPushButton("Move up")
        up.clicked.connect(lambda: self._move_image(-1))
        down = QPushButton("Move down")
        down.clicked.connect(lambda: self._move_image(1))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_image)
        row = QHBoxLayout()
        for w in (add_file, up, down, remove):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout()
        layout.addWidget(self.images, 1)
        form = QFormLayout()
        form.addRow("Alt text", self.alt_text)
        layout.addLayout(form)
        layout.addWidget(add_url)
        layout.addLayout(row)
        tab = QWidget()
        tab.setLayout(layout)
        return tab

    def _collections_tab(self) -> QWidget:
        self.collections = QListWidget(objectName="collections")
        self.collections_empty = EmptyState(
            self.collections, "No collections yet: create them under Catalog > Collections."
        )
        layout = QVBoxLayout()
        layout.addWidget(QLabel("Collections this product is in:"))
        layout.addWidget(self.collections, 1)
        tab = QWidget()
        tab.setLayout(layout)
        return tab

    # -- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the product as it is stored now (discarding edits)."""
        if self.product_id is None:
            return
        self.context.tasks.query(
            get_product,
            self.context.store.unit_of_work(),
            self.product_id,
            label="Loading the product",
            on_done=self._on_loaded,
        )

    def _on_loaded(self, detail: ProductDetail) -> None:
        self.detail = detail
        self.product_id = detail.id
        self.setWindowTitle(f"Product — {detail.title}")
        self._fill(ProductDraft.from_detail(detail))
        self.mark_clean()
        self._validate()

    def _on_collections(self, collections: list[CollectionRow]) -> None:
        self._collections = collections
        chosen = set(self.detail.collection_ids) if self.detail else set()
        self.collections.clear()
        for collection in collections:
            item = QListWidgetItem(collection.title)
            item.setData(_ID, collection.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if collection.id in chosen else Qt.CheckState.Unchecked
            )
            self.collections.addItem(item)
        self.mark_clean("collections")

    def _fill(self, draft: ProductDraft) -> None:
        """Show a draft in every field (after loading, or after the grid grew)."""
        self._filling = True
        self._draft_base = draft
        self.title.setText(draft.title)
        self.handle.setText(draft.handle)
        self.vendor.setText(draft.vendor or "")
        self.product_type.setText(draft.product_type or "")
        self.tags.setText(", ".join(draft.tags))
        self.status.setCurrentIndex(max(0, self.status.findData(draft.status)))
        published = self.detail is not None and self.detail.published
        self.published.setText("On the storefront" if published else "Not on the storefront")
        self.description.setHtml(draft.description_html)
        self.description.document().setModified(False)
        self.seo_title.setText(draft.seo_title or "")
        self.seo_description.setText(draft.seo_description or "")
        for i in range(3):
            option = draft.options[i] if i < len(draft.options) else None
            self.option_names[i].setText(option.name if option else "")
            self.option_values[i].setText(", ".join(option.values) if option else "")
            self.new_value[i].clear()
        self._fill_grid(draft)
        self._fill_images(draft)
        self._filling = False

    def _fill_grid(self, draft: ProductDraft) -> None:
        names = [o.name for o in draft.options] or ["Variant"]
        headers = names + list(GRID)
        self.grid.blockSignals(True)
        self.grid.setColumnCount(len(headers))
        self.grid.setHorizontalHeaderLabels(headers)
        self.grid.setRowCount(0)
        on_hand = {v.id: v.on_hand for v in (self.detail.variants if self.detail else ())}
        for variant in draft.variants:
            self._append_row(draft, variant, on_hand.get(variant.id))
        self.grid.blockSignals(False)
        widths = [90] * len(names) + [140, 140, 90, 90, 90, 90, 130, 80]
        for column, width in enumerate(widths):
            self.grid.setColumnWidth(column, width)
            amount = len(names) + 2 <= column <= len(names) + 4  # price, compare-at, cost
            self.grid.setItemDelegateForColumn(column, self._money_cells if amount else None)

    def _append_row(self, draft: ProductDraft, v: VariantDraft, on_hand: int | None) -> None:
        row = self.grid.rowCount()
        self.grid.insertRow(row)
        option_count = max(len(draft.options), 1)
        cells: list[str] = []
        if draft.options:
            cells += [v.options[i] or "" for i in range(len(draft.options))]
        else:
            cells.append(v.title)
        money = self.context.money.edit_text
        cells += [
            v.sku or "",
            ", ".join(v.barcodes),
            money(v.price),
            money(v.compare_at_price),
            money(v.cost),
            "" if v.weight_grams is None else str(v.weight_grams),
        ]
        for column, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if column < option_count and not draft.options:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column >= option_count + 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.setItem(row, column, item)
        self.grid.item(row, 0).setData(_ID, (v.id, v.version, v.image_index))
        policy = QComboBox()
        policy.addItem("Stop selling", "deny")
        policy.addItem("Keep selling", "continue")
        policy.setCurrentIndex(1 if v.inventory_policy == "continue" else 0)
        self.grid.setCellWidget(row, option_count + 6, policy)
        stock = QTableWidgetItem("" if on_hand is None else str(on_hand))
        stock.setFlags(stock.flags() & ~Qt.ItemFlag.ItemIsEditable)
        stock.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        stock.setToolTip("Stock changes in Inventory, through the stock ledger")
        self.grid.setItem(row, option_count + 7, stock)

    def _fill_images(self, draft: ProductDraft) -> None:
        self.images.clear()
        for image in draft.images:
            self._add_image_item(image)

    def _add_image_item(self, image: ImageDraft) -> None:
        name = image.src.split("/")[-1].split("?")[0] or image.src
        item = QListWidgetItem(name)
        item.setToolTip(image.src)
        item.setData(_ID, image)
        self.images.addItem(item)

    # -- reading the form ------------------------------------------------------------------

    def draft(self) -> ProductDraft:
        """The form as a draft; raises ValidationFailed for amounts that are not amounts."""
        base = self._draft_base
        options = tuple(
            OptionDraft(
                self.option_names[i].text().strip(),
                tuple(v.strip() for v in self.option_values[i].text().split(",") if v.strip()),
            )
            for i in range(3)
            if self.option_names[i].text().strip()
        )
        option_count = max(len(options), 1)
        variants = []
        problems: dict[str, str] = {}
        for row in range(self.grid.rowCount()):
            text = lambda c, row=row: self._cell(row, c)  # noqa: E731
            variant_id, version, image_index = self.grid.item(row, 0).data(_ID) or (
                None,
                None,
                None,
            )
            values: list[str | None] = [
                (text(c) or None) if options else None for c in range(len(options))
            ]
            values += [None] * (3 - len(values))
            amounts = []
            for offset, label in ((2, "price"), (3, "compare-at price"), (4, "cost")):
                raw = text(option_count + offset)
                try:
                    amounts.append(self.context.money.parse(raw).minor if raw else None)
                except MoneyError:
                    problems[f"variants[{row}].{label}"] = (
                        f"Row {row + 1}: “{raw}” is not a {label}."
                    )
                    amounts.append(None)
            weight = text(option_count + 5)
            policy = self.grid.cellWidget(row, option_count + 6)
            variants.append(
                VariantDraft(
                    id=variant_id,
                    version=version,
                    sku=text(option_count) or None,
                    options=(values[0], values[1], values[2]),
                    price=amounts[0] or 0,
                    compare_at_price=amounts[1],
                    cost=amounts[2],
                    weight_grams=_grams(weight),
                    inventory_policy=policy.currentData()
                    if isinstance(policy, QComboBox)
                    else "deny",
                    barcodes=tuple(
                        b.strip() for b in text(option_count + 1).split(",") if b.strip()
                    ),
                    image_index=image_index,
                )
            )
        if problems:
            raise ValidationFailed("\n".join(problems.values()), fields=problems)
        images = tuple(self.images.item(i).data(_ID) for i in range(self.images.count()))
        collections = tuple(
            self.collections.item(i).data(_ID)
            for i in range(self.collections.count())
            if self.collections.item(i).checkState() == Qt.CheckState.Checked
        )
        if not self._collections and base is not None:
            collections = base.collection_ids  # not loaded yet: keep what the product has
        return replace(
            base,
            title=self.title.text(),
            handle=self.handle.text(),
            vendor=self.vendor.text() or None,
            product_type=self.product_type.text() or None,
            tags=tuple(t.strip() for t in self.tags.text().split(",") if t.strip()),
            status=self.status.currentData(),
            description_html=self._description_html(),
            seo_title=self.seo_title.text() or None,
            seo_description=self.seo_description.text() or None,
            options=options,
            variants=tuple(variants),
            images=images,
            collection_ids=collections,
        )

    def _cell(self, row: int, column: int) -> str:
        item = self.grid.item(row, column)
        return item.text().strip() if item is not None else ""

    def _description_html(self) -> str:
        """The description as stored unless the merchant edited it (Qt rewrites HTML it
        shows, and an unedited product must not read as changed)."""
        if not self.description.document().isModified():
            return self._draft_base.description_html
        if not self.description.toPlainText().strip():
            return ""
        body = re.search(r"<body[^>]*>(.*)</body>", self.description.toHtml(), re.S)
        return (body.group(1) if body else self.description.toHtml()).strip()

    # -- editing ---------------------------------------------------------------------------

    def add_value(self, option_index: int) -> None:
        """Add the typed value to an option, with a variant for every missing combination."""
        value = self.new_value[option_index].text().strip()
        if not value:
            return
        try:
            draft = self.draft()
            name = self.option_names[option_index].text().strip()
            if option_index >= len(draft.options):
                if not name:
                    raise ValidationFailed(f"Name option {option_index + 1} first (such as Size).")
                grown = add_option(draft, name, [value])
            else:
                grown = add_option_value(draft, option_index, value)
        except DomainError as error:
            self.show_error(error)
            return
        self._fill(grown)
        self._changed()

    def add_option(self) -> None:
        """Start a new option in the first free row; a fourth is refused on the options."""
        free = next((name for name in self.option_names if not name.text().strip()), None)
        if free is not None:
            self.tabs.setCurrentIndex(1)
            free.setFocus()
            return
        try:
            add_option(self.draft(), "", ())  # the rules refuse a fourth option in words
        except DomainError as error:
            self.show_error(error)

    def add_variant_row(self) -> None:
        try:
            draft = self.draft()
        except DomainError as error:
            self.show_error(error)
            return
        template = draft.variants[0] if draft.variants else VariantDraft()
        new = VariantDraft(
            price=template.price,
            inventory_policy=template.inventory_policy,
            weight_grams=template.weight_grams,
        )
        self._draft_base = replace(draft, variants=(*draft.variants, new))
        self._append_row(self._draft_base, new, None)
        self.grid.setCurrentCell(self.grid.rowCount() - 1, 0)
        self.grid.editItem(self.grid.item(self.grid.rowCount() - 1, 0))
        self._changed()

    def _remove_variant_rows(self) -> None:
        for row in sorted({i.row() for i in self.grid.selectedIndexes()}, reverse=True):
            self.grid.removeRow(row)
        self._changed()

    def _on_image_selected(self, row: int) -> None:
        item = self.images.item(row)
        self.alt_text.setText(item.data(_ID).alt_text if item else "")

    def _on_alt_edited(self, text: str) -> None:
        item = self.images.currentItem()
        if item is not None:
            item.setData(_ID, replace(item.data(_ID), alt_text=text))

    def _add_image_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Add images", "", "Images (*.png *.jpg *.jpeg *.gif *.webp)"
        )
        for path in paths:
            self.add_image_file(Path(path))

    def add_image_file(self, path: Path) -> None:
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._add_image_item(
            ImageDraft(src=path.name, content=path.read_bytes(), content_type=content_type)
        )
        self._changed()

    def _add_image_url(self, field: QLineEdit) -> None:
        url = field.text().strip()
        if url:
            self._add_image_item(ImageDraft(src=url))
            field.clear()
            self._changed()

    def _move_image(self, step: int) -> None:
        row = self.images.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.images.count():
            return
        item = self.images.takeItem(row)
        self.images.insertItem(target, item)
        self.images.setCurrentRow(target)
        self._changed()

    def _remove_image(self) -> None:
        row = self.images.currentRow()
        if row >= 0:
            self.images.takeItem(row)
            self._changed()

    # -- validation and saving -------------------------------------------------------------

    def _changed(self) -> None:
        if not self._filling:
            self._validate_timer.start()

    def _validate(self) -> None:
        try:
            draft = self.draft()
        except ValidationFailed as error:
            self._show_findings([Finding(Severity.ERROR, k, v) for k, v in error.fields.items()])
            return
        self.context.tasks.query(
            validate_product,
            self.context.store.unit_of_work(),
            draft,
            label="Checking",
            on_done=self._show_findings,
            on_error=lambda _: None,
        )

    def _show_findings(self, findings: list[Finding]) -> None:
        lines = []
        for f in findings:
            color = "#c5221f" if f.severity is Severity.ERROR else "#8a6d00"
            mark = "✖" if f.severity is Severity.ERROR else "⚠"
            lines.append(f"<span style='color:{color}'>{mark} {_escape(f.message)}</span>")
        self.findings.setText("<br>".join(lines[:8]) + ("<br>…" if len(lines) > 8 else ""))
        self._mark_grid(findings)

    def _mark_grid(self, findings: list[Finding]) -> None:
        bad = {
            int(f.field.split("[")[1].split("]")[0])
            for f in findings
            if f.field.startswith("variants[") and f.severity is Severity.ERROR
        }
        self.grid.blockSignals(True)
        for row in range(self.grid.rowCount()):
            for column in range(self.grid.columnCount()):
                item = self.grid.item(row, column)
                if item is not None:
                    item.setBackground(QColor("#fce8e6") if row in bad else QColor(0, 0, 0, 0))
        self.grid.blockSignals(False)

    def can_save(self) -> bool:
        return self.context.can("catalog.edit")

    def form_state(self) -> dict[str, object]:
        texts = (self.title, self.handle, self.vendor, self.product_type, self.tags)
        texts += (self.seo_title, self.seo_description, *self.option_names, *self.new_value)
        grid = range(self.grid.rowCount()), range(self.grid.columnCount())
        images = (self.images.item(n).data(_ID) for n in range(self.images.count()))
        return {
            "product": (*(w.text() for w in texts), self.status.currentData()),
            "description": self._description_html(),
            "options": tuple(v.text() for v in self.option_values),
            "variants": tuple(
                (self._cell(r, c), getattr(self.grid.cellWidget(r, c), "currentData", str)())
                for r in grid[0]
                for c in grid[1]
            ),
            "images": tuple((i.src, i.alt_text, i.id) for i in images),
            "collections": tuple(
                self.collections.item(i).checkState() == Qt.CheckState.Checked
                for i in range(self.collections.count())
            ),
        }

    def show_error(self, error: DomainError) -> None:
        """Findings name fields such as ``options[1]`` or ``variants[2].sku``: the option rows
        and the grid's findings list show them."""
        if isinstance(error, ValidationFailed):
            fields: dict[str, str] = {}
            for name, text in error.fields.items():
                fields.setdefault(re.split(r"[\[.]", name, maxsplit=1)[0], text)
            error = ValidationFailed(str(error), fields=fields)
        super().show_error(error)

    def save(self) -> None:
        if not self.can_save():
            return
        try:
            draft = self.draft()
        except ValidationFailed as error:
            self.show_error(error)
            return
        self.submit(
            self.context.tasks,
            save_product,
            self.context.store.unit_of_work(),
            self.context.actor,
            draft,
            label="Saving the product",
            busy=self.save_button,
        )

    def _saved(self, result: SavedProduct) -> None:
        self.detail = result.product
        if result.warnings:
            note = QMessageBox(
                QMessageBox.Icon.Information,
                "Saved, with warnings",
                "Saved. Worth a look:\n" + "\n".join(f"• {w.message}" for w in result.warnings),
                parent=self.parentWidget(),
            )
            note.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.warnings_box = note
            note.open()
        super()._saved(result.product)

    def save_failed(self, error: BaseException) -> None:
        if not isinstance(error, Conflict):
            if isinstance(error, ValidationFailed):
                self._show_findings(
                    [Finding(Severity.ERROR, k, v) for k, v in error.fields.items()]
                )
            super().save_failed(error)
            return
        self._saving = False
        box = QMessageBox(QMessageBox.Icon.Warning, error.title, str(error), parent=self)
        reload = box.addButton("Reload", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep my edits open", QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: self.reload() if button is reload else None)
        self.conflict_box = box
        box.open()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["ProductEditorDialog"]


def _grams(text: str) -> Decimal | None:
    """A weight typed in grams, decimals allowed (``4.1``); anything else is no weight."""
    try:
        weight = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return weight if weight.is_finite() and weight >= 0 else None
