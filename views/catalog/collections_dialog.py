"""Collections: create, rename and delete the groups the storefront shows together. Which
products are in a collection is set in the product editor, or for many at once by bulk edit."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
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
from services.errors import DomainError
from views.context import ViewContext
from views.widgets.forms import FormDialog, OpenEditors
from views.wording import counted


class CollectionsDialog(QDialog):
    """Signals:
    changed(): a collection was created, renamed or deleted.
    """

    changed = Signal()

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.editors = OpenEditors()
        self.title_dialog: QWidget | None = None  # the title being asked now (tests reach it)
        self.setWindowTitle("Collections")
        self.resize(520, 420)
        self.list = QListWidget(objectName="collections")
        self.list.itemDoubleClicked.connect(lambda _: self.rename())
        self.new_button = QPushButton("New…")
        self.new_button.clicked.connect(lambda: self.create())  # not create(title=False)
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
        """Ask for the new collection's title (or take ``title``) and save it."""
        if title is not None:
            self._save(title=title)
            return
        self._ask_title(("collection", None), "New collection", "", {})

    def rename(self) -> None:
        current = self._current()
        if current is None:
            return
        self._ask_title(
            ("collection", current.id),
            f"Rename “{current.title}”",
            current.title,
            {"handle": current.handle, "collection_id": current.id, "version": current.version},
        )

    def _ask_title(
        self, key: tuple[str, int | None], heading: str, title: str, values: dict[str, object]
    ) -> None:
        def make() -> CollectionTitleDialog:
            dialog = CollectionTitleDialog(heading, title, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saves_with(
                self.context.tasks,
                lambda d: self._saving(title=d.title.text(), **values),
                label="Saving the collection",
            )
            dialog.saved.connect(lambda _: (self.load(), self.changed.emit()))
            return dialog

        self.title_dialog = self.editors.open(key, make, modal=True)

    def _saving(self, **values: object) -> Callable[[], object]:
        store, actor = self.context.store, self.context.actor
        return lambda: save_collection(store.unit_of_work(), actor, **values)

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


class CollectionTitleDialog(FormDialog):
    """A collection's title, new or renamed; a refused title (empty, or a handle already
    taken) stays here with the message under it."""

    def __init__(self, heading: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.setMinimumWidth(380)
        self.title = QLineEdit(title, objectName="collectionTitle")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Title", self.field("title", self.title))
        form.addRow(self.message)
        form.addRow(buttons)

    def form_state(self) -> dict[str, object]:
        return {"title": self.title.text()}

    def error_field(self, error: DomainError) -> str | None:
        return "title"  # the handle is made from the title
