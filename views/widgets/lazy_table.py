"""A table model that pages rows from the database by keyset as the user scrolls.

The view asks ``canFetchMore``/``fetchMore`` when it nears the end of the loaded rows; the model
then fetches the next page in the background through the task runner and appends the rows on
arrival. ``data()`` only reads rows already loaded: it never queries. Search, filters and sort
are applied by the database (the ``fetch`` function is a service query).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from services.paging import Page, PageRequest
from views.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Column:
    """A column of a lazy table.

    Attributes:
        key: the attribute of the row object shown in the column.
        title: the header.
        sort: the sort key passed to the query (None: not sortable).
        align: text alignment; numbers and money align right.
        format: turns the value into text (money, dates); ``str`` by default.
        color: optional colour for the value (red for negative stock, say).
        width: the initial width in characters, for the view to apply.
        value: computes the value from the whole row, when it is not one attribute.
        tooltip: the row's tooltip in this column.
        stretch: the column that gives way: it takes the width the others leave, so on a
            narrow window it narrows (its text elided) before any column after it is cut off.
            Without one, a list stretches its widest left-aligned column.
    """

    key: str
    title: str
    sort: str | None = None
    align: Qt.AlignmentFlag = LEFT
    format: Callable[[Any], str] | None = None
    color: Callable[[Any], str | None] | None = None
    width: int | None = None
    value: Callable[[Any], Any] | None = None
    tooltip: Callable[[Any], str] | None = None
    stretch: bool = False

    def of(self, row: Any) -> Any:
        return self.value(row) if self.value is not None else getattr(row, self.key, None)


@dataclass
class _Query:
    request: PageRequest = field(default_factory=PageRequest)
    generation: int = 0


class ColumnTableModel(QAbstractTableModel):
    """Rows of frozen dataclasses shown through ``Column`` definitions; subclasses decide where
    the rows come from. ``data()`` only reads rows already held."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = []

    # -- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self.columns[index.column()]
        row = self._rows[index.row()]
        value = column.of(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            return column.format(value) if column.format else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            color = column.color(value)
            return QBrush(QColor(color)) if color else None
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- rows ------------------------------------------------------------------------------

    def row(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def find(self, predicate: Callable[[Any], bool]) -> int:
        """The position of the first loaded row matching ``predicate``, or -1."""
        return next((i for i, r in enumerate(self._rows) if predicate(r)), -1)


class RowsTableModel(ColumnTableModel):
    """A table of rows already in memory (a count's variances, a document's lines), shown
    through the same ``Column`` definitions as the lazy lists."""

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()


class KeysetTableModel(ColumnTableModel):
    """Rows of any frozen dataclass, loaded page by page.

    Signals:
        loading_changed(bool): a page request started or ended.
        loaded(int): rows now loaded, after each page; the view can show "200+ rows".
        failed(str): a page could not be loaded (the message is for the user).
    """

    loading_changed = Signal(bool)
    loaded = Signal(int)
    failed = Signal(str)

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Callable[[PageRequest], Page[Any]],
        tasks: TaskRunner,
        *,
        page_size: int = 200,
        parent: Any = None,
    ) -> None:
        super().__init__(columns, parent)
        self._fetch = fetch
        self._tasks = tasks
        self._page_size = page_size
        self._next: PageRequest | None = None
        self._query = _Query(PageRequest(limit=page_size))
        self._loading = False
        self._exhausted = False

    # -- querying --------------------------------------------------------------------------

    def set_query(
        self,
        *,
        search: str | None = None,
        filters: Mapping[str, Any] | None = None,
        sort: str | None = None,
        descending: bool | None = None,
    ) -> None:
        """Change what is listed and reload from the first page. Unchanged parts are kept."""
        request = self._query.request
        request = replace(
            request,
            after=None,
            search=request.search if search is None else search,
            filters=request.filters if filters is None else dict(filters),
            sort=request.sort if sort is None else sort,
            descending=request.descending if descending is None else descending,
        )
        self._query = _Query(request, self._query.generation + 1)
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self._next = request
        self.endResetModel()
        self._load(request)

    def reload(self) -> None:
        """Fetch again from the first page (after a change elsewhere)."""
        self.set_query()

    @property
    def request(self) -> PageRequest:
        return self._query.request

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def is_complete(self) -> bool:
        """Every matching row is loaded."""
        return self._exhausted

    def _load(self, request: PageRequest) -> None:
        generation = self._query.generation
        self._set_loading(True)
        self._tasks.query(
            self._fetch,
            request,
            label="Loading",
            on_done=lambda page: self._on_page(generation, page),
            on_error=lambda error: self._on_error(generation, error),
        )

    def _on_page(self, generation: int, page: Page[Any]) -> None:
        if generation != self._query.generation:
            return  # the user typed on; an older answer is of no use
        self._set_loading(False)
        # The cursor moves before the rows arrive: inserting rows makes the view ask
        # canFetchMore at once, and the old cursor would fetch this same page again.
        if page.next_after is None:
            self._next, self._exhausted = None, True
        else:
            self._next = replace(self._query.request, after=page.next_after)
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self.loaded.emit(len(self._rows))

    def _on_error(self, generation: int, error: BaseException) -> None:
        if generation != self._query.generation:
            return
        self._set_loading(False)
        self._next = None
        self.failed.emit(
            str(error)
            if hasattr(error, "title")
            else "The list could not be loaded; the store may be unreachable."
        )

    def _set_loading(self, loading: bool) -> None:
        if self._loading != loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- Qt model API ----------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self._next is not None
            and not self._loading
            and bool(self._rows)
        )

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent) and self._next is not None:
            self._load(self._next)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self._query.generation == 0:
            # The view announcing its initial sort: remember it for the page's first query.
            self._query.request = replace(
                self._query.request, sort=self.columns[column].sort, descending=descending
            )
            return
        self.set_query(sort=self.columns[column].sort, descending=descending)
