"""The table view every list uses: rows selected whole, widths from the columns, header layout
remembered, sorting asked of the database."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from views.widgets.lazy_table import KeysetTableModel

#: average character width used to turn Column.width into pixels
CHAR_PX = 8


class ListView(QTableView):
    """A QTableView over a KeysetTableModel.

    ``settings_key`` remembers column widths, order and the sort between runs.
    """

    def __init__(
        self,
        model: KeysetTableModel,
        *,
        settings: QSettings | None = None,
        settings_key: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for i, column in enumerate(model.columns):
            if column.width:
                # never narrower than the header's own text (with its sort arrow)
                self.setColumnWidth(i, max(column.width * CHAR_PX, header.sectionSizeHint(i)))
        self._settings = settings
        self._key = settings_key
        restored = False
        if settings is not None and settings_key:
            state = settings.value(f"{settings_key}/header")
            if isinstance(state, QByteArray):
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

    def _save_header(self, *_: object) -> None:
        if self._settings is not None and self._key:
            self._settings.setValue(f"{self._key}/header", self.horizontalHeader().saveState())

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
