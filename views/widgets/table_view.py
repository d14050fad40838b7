"""The table view every list uses: rows selected whole, widths from the columns, header layout
remembered, sorting asked of the database."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt
from PySide6.QtGui import QHelpEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QToolTip, QWidget

from views.widgets.empty_state import EmptyState
from views.widgets.lazy_table import LEFT, Column, KeysetTableModel

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
    """A QTableView over a KeysetTableModel.

    Each column starts at its ``Column.width`` (in digits of the view's font); one
    column stretches into the room the others leave and narrows first, so the columns after
    it stay in view. Text too long for its cell is elided in the middle and shown whole in
    the cell's tooltip. ``settings_key`` remembers the widths the user set, the columns'
    order and the sort between runs; ``empty_text`` is what it says while it has no rows.
    """

    def __init__(
        self,
        model: KeysetTableModel,
        *,
        settings: QSettings | None = None,
        settings_key: str | None = None,
        empty_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        #: what the list says when it has nothing to show (once it has loaded)
        self.empty_state = (
            EmptyState(self, empty_text, ready=lambda: not model.is_loading) if empty_text else None
        )
        if self.empty_state is not None:
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

    def selected_rows(self) -> list[object]:
        """The row objects of the selected rows, in display order."""
        model = self.model()
        assert isinstance(model, KeysetTableModel)
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [model.row(r) for r in rows]

    def current_row(self) -> object | None:
        model = self.model()
        assert isinstance(model, KeysetTableModel)
        index = self.currentIndex()
        return model.row(index.row()) if index.isValid() else None
