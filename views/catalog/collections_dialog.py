"""Collections: create, rename and delete the groups the storefront shows together. Which
products are in a collection is set in the product editor, or for many at once by bulk edit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.catalog.collections import delete_collection, save_collection
from services.catalog.queries import list_collections
from services.catalog.records import CollectionRow
from views.context import ViewContext
from views.wording import counted


class CollectionsDialog(QDialog):
    """Signals:
    changed(): a collection was created, renamed or deleted.
    """

    changed = Signal()

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Collections")
        self.resize(520, 420)
        self.list = QListWidget(objectName="collections")
        self.list.itemDoubleClicked.connect(lambda _: self.rename())
        self.new_button = QPushButton("New…")
        self.new_button.clicked.connect(self.create)
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(self.rename)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self.delete)
        can = context.can("catalog.edit")
        for button in (self.new_button, self.rename_button, self.delete_button):
            button.setEnabled(can)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Put products in collections in the product editor, or with Bulk edit.")
        )
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.load()

    def load(self) -> None:
        self.context.tasks.query(
            list_collections, self.context.store.unit_of_work(), on_done=self._on_loaded
        )

    def _on_loaded(self, rows: list[CollectionRow]) -> None:
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(
                f"{row.title}   ·   {row.product_count} product"
                f"{'' if row.product_count == 1 else 's'}   ·   /{row.handle}"
            )
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.list.addItem(item)
        if not rows:
            self.list.addItem(QListWidgetItem("No collections yet."))

    def _current(self) -> CollectionRow | None:
        item = self.list.currentItem()
        row = item.data(Qt.ItemDataRole.UserRole) if item else None
        return row if isinstance(row, CollectionRow) else None

    def create(self, title: str | None = None) -> None:
        if title is None:
            title, ok = QInputDialog.getText(self, "New collection", "Title")
            if not ok:
                return
        self._save(title=title)

    def rename(self) -> None:
        current = self._current()
        if current is None:
            return
        title, ok = QInputDialog.getText(self, "Rename collection", "Title", text=current.title)
        if ok:
            self._save(
                title=title,
                handle=current.handle,
                collection_id=current.id,
                version=current.version,
            )

    def _save(self, **values: object) -> None:
        self.context.tasks.change(
            save_collection,
            self.context.store.unit_of_work(),
            self.context.actor,
            label="Saving the collection",
            on_done=lambda _: (self.load(), self.changed.emit()),
            **values,
        )

    def delete(self, *, confirm: bool = True) -> None:
        current = self._current()
        if current is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                "Delete collection",
                f"Delete “{current.title}”? "
                + counted(current.product_count, "Its %Ln product(s) stay in the catalog."),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.context.tasks.change(
            delete_collection,
            self.context.store.unit_of_work(),
            self.context.actor,
            current.id,
            label="Deleting the collection",
            on_done=lambda _: (self.load(), self.changed.emit()),
        )
