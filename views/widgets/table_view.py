"""The table view every list uses: rows selected whole, widths from the columns, header layout
remembered, sorting asked of the model (the database, for a keyset list), and the rows on
screen kept in place while rows arrive above them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QSettings, Qt
from PySide6.QtGui import QHelpEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QToolButton,
    QToolTip,
    QWidget,
)

from views.widgets.empty_state import EmptyState
from views.widgets.lazy_table import LEFT, Column, ColumnTableModel, KeysetTableModel

#: bumped when the columns' layout changes in a way a remembered header would undo
LAYOUT_VERSION = 2
#: room a cell leaves around its text (Qt's focus frame margin, each side)
CELL_PADDING = 8
#: the stretching column narrows no further than this many characters
STRETCH_MIN_CHARS = 14


def stretch_index(columns: Sequence[Column]) -> int | None:
    """The column that gives way on a narrow window: the one marked ``stretch``, else the
    widest left-aligned one (a name, a title, a customer)."""
    marked = [i for i, c in enumerate(columns) if c.stretch]
    if marked:
        return marked[0]
    text = [(c.width or 0, -i) for i, c in enumerate(columns) if c.align == LEFT and c.width]
    return -max(text)[1] if text else None


class ListView(QTableView):
    """A QTableView over a ColumnTableModel: a KeysetTableModel, or a RowsTableModel of rows
    in memory.

    Each column starts at its ``Column.width`` (in digits of the view's font); one
    column stretches into the room the others leave and narrows first, so the columns after
    it stay in view. Text too long for its cell is elided in the middle and shown whole in
    the cell's tooltip. ``settings_key`` remembers the widths the user set, the columns'
    order and the sort between runs; ``empty_text`` is what it says while it has no rows.
    When rows are inserted above the first row on screen (new orders in a list newest first),
    the rows on screen stay where they are and ``new_rows_button`` says how many arrived
    above; clicking it goes to the top.

    Attributes:
        new_rows_button: "↑ N new", shown while rows that arrived above are out of sight.
    """

    def __init__(
        self,
        model: ColumnTableModel,
        *,
        settings: QSettings | None = None,
        settings_key: str | None = None,
        empty_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        #: what the list says when it has nothing to show (once it has loaded)
        loading = isinstance(model, KeysetTableModel)
        self.empty_state = (
            EmptyState(self, empty_text, ready=lambda: not (loading and model.is_loading))
            if empty_text
            else None
        )
        if self.empty_state is not None and isinstance(model, KeysetTableModel):
            model.loading_changed.connect(self.empty_state.refresh)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # a digit's width: counts, money, SKUs and barcodes are what the widths must fit
        char = self.fontMetrics().horizontalAdvance("0")
        for i, column in enumerate(model.columns):
            if column.width:
                # never narrower than the header's own text (with its sort arrow)
                self.setColumnWidth(i, max(column.width * char, header.sectionSizeHint(i)))
        self._stretch = stretch_index(model.columns)
        self._fitting = False
        if self._stretch is not None:
            # sized by _fit_stretch, not by hand
            header.setSectionResizeMode(self._stretch, QHeaderView.ResizeMode.Fixed)
            header.sectionResized.connect(self._fit_stretch)
            header.sectionMoved.connect(self._fit_stretch)
        else:
            header.setStretchLastSection(True)
        self._settings = settings
        self._key = settings_key
        restored = False
        if settings is not None and settings_key:
            state = settings.value(f"{settings_key}/header")
            version = settings.value(f"{settings_key}/layout")
            if isinstance(state, QByteArray) and str(version) == str(LAYOUT_VERSION):
                restored = header.restoreState(state)
        sortable = [i for i, c in enumerate(model.columns) if c.sort]
        if sortable and not restored:
            # Qt's default indicator is descending; a list starts A to Z on its first column.
            header.setSortIndicator(sortable[0], Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(bool(sortable))
        if settings is not None and settings_key:
            header.sectionResized.connect(self._save_header)
            header.sectionMoved.connect(self._save_header)
            header.sortIndicatorChanged.connect(self._save_header)

        self.new_rows_button = QToolButton(self.viewport(), objectName="newRows")
        self.new_rows_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.new_rows_button.setStyleSheet(
            "QToolButton { background: #1a73e8; color: white; border-radius: 11px;"
            " padding: 3px 12px; font-weight: bold; }"
        )
        self.new_rows_button.hide()
        self.new_rows_button.clicked.connect(self._on_new_rows_button_clicked)
        self._new_above = 0
        self._top_before: int | None = None
        model.rowsAboutToBeInserted.connect(self._on_model_rows_about_to_change)
        model.rowsAboutToBeRemoved.connect(self._on_model_rows_about_to_change)
        model.rowsInserted.connect(self._on_model_rows_inserted)
        model.rowsRemoved.connect(self._on_model_rows_removed)
        model.modelReset.connect(self._forget_new_rows)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    def _fit_stretch(self, *_: object) -> None:
        """Give the stretching column the room the others leave; when there is not room for
        every column, the most that still lets it keep a readable width, so the columns just
        after it are in view and only the last ones go past the edge."""
        if self._stretch is None or self._fitting:
            return
        header = self.horizontalHeader()
        room = self.viewport().width()
        least = STRETCH_MIN_CHARS * self.fontMetrics().averageCharWidth()
        others = [
            header.sectionSize(header.logicalIndex(visual))
            for visual in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(visual))
            and header.logicalIndex(visual) != self._stretch
        ]
        width = room - sum(others)
        if width < least:
            # drop columns from the end until the rest fit beside a readable stretch column
            while others and room - sum(others) < least:
                others.pop()
            width = max(least, room - sum(others))
        if width != header.sectionSize(self._stretch):
            self._fitting = True
            try:
                header.resizeSection(self._stretch, width)
            finally:
                self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_stretch()

    def _save_header(self, *_: object) -> None:
        if self._settings is not None and self._key:
            self._settings.setValue(f"{self._key}/header", self.horizontalHeader().saveState())
            self._settings.setValue(f"{self._key}/layout", LAYOUT_VERSION)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.indexAt(event.pos())
            if index.isValid() and index.data(Qt.ItemDataRole.ToolTipRole) is None:
                text = index.data(Qt.ItemDataRole.DisplayRole)
                room = self.visualRect(index).width() - CELL_PADDING
                if text and self.fontMetrics().horizontalAdvance(str(text)) > room:
                    QToolTip.showText(event.globalPos(), str(text), self.viewport())
                else:
                    QToolTip.hideText()
                    event.ignore()
                return True
        return super().viewportEvent(event)

    def _model(self) -> ColumnTableModel:
        model = self.model()
        assert isinstance(model, ColumnTableModel)
        return model

    def selected_rows(self) -> list[object]:
        """The row objects of the selected rows, in display order."""
        model = self._model()
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [model.row(r) for r in rows]

    def current_row(self) -> object | None:
        index = self.currentIndex()
        return self._model().row(index.row()) if index.isValid() else None

    # -- keeping the rows on screen in place -----------------------------------------------

    def first_visible_row(self) -> int:
        """The row at the top of the viewport (-1 when empty)."""
        return self.rowAt(0)

    def _on_model_rows_about_to_change(self, parent: QModelIndex, _first: int, _last: int) -> None:
        self._top_before = None if parent.isValid() else self.first_visible_row()

    def _on_model_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        top, self._top_before = self._top_before, None
        if top is None or top < 0 or first > top or parent.isValid():
            return
        self._shift(last - first + 1, first)
        self._new_above += last - first + 1
        self._show_new_rows()

    def _on_model_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        top, self._top_before = self._top_before, None
        if top is None or top < 0 or first >= top or parent.isValid():
            return
        gone = min(last, top - 1) - first + 1
        self._shift(-gone, first)
        self._new_above = max(0, self._new_above - gone)
        self._show_new_rows()

    def _shift(self, rows: int, first: int) -> None:
        """Scroll by ``rows`` rows from ``first`` (inserted, or removed when negative) so the
        rows on screen stay on screen."""
        self.updateGeometries()  # the scroll range must know of the new rows first
        bar = self.verticalScrollBar()
        if self.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerItem:
            bar.setValue(bar.value() + rows)
        elif rows > 0:
            bar.setValue(bar.value() + sum(self.rowHeight(r) for r in range(first, first + rows)))
        else:
            bar.setValue(bar.value() + rows * self.verticalHeader().defaultSectionSize())

    def _show_new_rows(self) -> None:
        if self._new_above <= 0:
            self.new_rows_button.hide()
            return
        self.new_rows_button.setText(f"↑ {self._new_above:,} new")
        self.new_rows_button.adjustSize()
        self.new_rows_button.move((self.viewport().width() - self.new_rows_button.width()) // 2, 6)
        self.new_rows_button.show()
        self.new_rows_button.raise_()

    def _on_scrolled(self, value: int) -> None:
        if value == 0:
            self._forget_new_rows()

    def _forget_new_rows(self) -> None:
        self._new_above = 0
        self.new_rows_button.hide()

    def _on_new_rows_button_clicked(self) -> None:
        self.scrollToTop()
        self._forget_new_rows()
