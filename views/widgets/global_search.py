"""The global search popup (Ctrl+K): SKU, barcode, order number or customer, from anywhere."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from services.search import SearchHit
from views.tasks import TaskRunner
from views.widgets.search_box import SearchBox

KIND_LABELS = {"variant": "Variant", "order": "Order", "customer": "Customer"}


class GlobalSearch(QDialog):
    """Signals:
    chosen(SearchHit): the hit the user picked (Enter or double-click).
    """

    chosen = Signal(object)

    def __init__(
        self,
        search: Callable[[str], list[SearchHit]],
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setMinimumWidth(520)
        self._search = search
        self._tasks = tasks
        self._generation = 0
        self.box = SearchBox("SKU, barcode, order number or customer")
        self.box.search_changed.connect(self._on_box_search_changed)
        self.box.returnPressed.connect(self._choose_current)
        self.results = QListWidget()
        self.results.itemActivated.connect(lambda item: self._choose(item))
        self.empty = QLabel("Type to search the whole store.")
        self.empty.setStyleSheet("color: palette(placeholder-text); padding: 6px;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.empty)
        layout.addWidget(self.results)
        self.results.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
            row = self.results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.results.setCurrentRow(max(0, min(row, self.results.count() - 1)))
            return
        super().keyPressEvent(event)

    def _on_box_search_changed(self, text: str) -> None:
        self._generation += 1
        generation = self._generation
        if not text:
            self._show([], "Type to search the whole store.")
            return
        self._tasks.query(
            self._search,
            text,
            label="Searching",
            on_done=lambda hits: self._on_results(generation, text, hits),
        )

    def _on_results(self, generation: int, text: str, hits: list[SearchHit]) -> None:
        if generation == self._generation:
            self._show(hits, f"Nothing matches “{text}”.")

    def _show(self, hits: list[SearchHit], empty_text: str) -> None:
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(
                f"{KIND_LABELS.get(hit.kind, hit.kind)}  ·  {hit.title}    {hit.detail}"
            )
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        self.results.setVisible(bool(hits))
        self.empty.setVisible(not hits)
        self.empty.setText(empty_text)
        if hits:
            self.results.setCurrentRow(0)

    def _choose_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()
