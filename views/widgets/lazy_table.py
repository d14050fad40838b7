"""A table model that pages rows from the database by keyset as the user scrolls.

The view asks ``canFetchMore``/``fetchMore`` when it nears the end of the loaded rows; the model
then fetches the next page in the background through the task runner and appends the rows on
arrival. ``data()`` only reads rows already loaded: it never queries. Search, filters and sort
are applied by the database (the ``fetch`` function is a service query).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
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

from services.errors import DomainError
from services.paging import Page, PageRequest
from views.tasks import TaskRunner
from views.widgets.throttle import Throttle

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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows held by a column that declares a sort key (empty values last)."""
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        of = self.columns[column].of
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [self._rows[i.row()] for i in before]
        self._rows.sort(key=lambda row: (of(row) is None, of(row) if of(row) is not None else 0))
        if order == Qt.SortOrder.DescendingOrder:
            self._rows.reverse()
        where = {id(row): i for i, row in enumerate(self._rows)}
        self.changePersistentIndexList(
            before,
            [self.index(where[id(row)], i.column()) for i, row in zip(before, held, strict=True)],
        )
        self.layoutChanged.emit()


class KeysetTableModel(ColumnTableModel):
    """Rows of any frozen dataclass, loaded page by page, and refreshed in place.

    A refresh (``refresh_soon``, ``refresh_rows``) refetches what is loaded through the same
    query and changes only what differs: an edited row is updated where it is, a new row is
    inserted where the sort puts it, a row that no longer matches is removed. Qt's persistent
    indexes (the selection, the current row) follow their rows. One refetch runs at a time,
    at most one per ``REFRESH_MS`` (``Throttle``): the changes heard meanwhile share the next.

    Signals:
        loading_changed(bool): a page request started or ended.
        loaded(int): rows now loaded, after each page and each refresh; the view can show
            "200+ rows".
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
        key: Callable[[Any], Hashable] | None = None,
        parent: Any = None,
    ) -> None:
        """``key`` names a row across refetches (its ``id`` when it has one, else the row)."""
        super().__init__(columns, parent)
        self._fetch = fetch
        self._tasks = tasks
        self._page_size = page_size
        self._key = key or _row_key
        self._next: PageRequest | None = None
        self._query = _Query(PageRequest(limit=page_size))
        self._loading = False
        self._exhausted = False
        self._refresh_all = False
        self._refresh_extra = 0
        self._refresh_ids: dict[str, tuple[Callable[[Any], Hashable], set[Hashable]]] = {}
        self._refresh = Throttle(self._start_refresh, parent=self)

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
        self._refresh_all, self._refresh_ids, self._refresh_extra = False, {}, 0
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self._next = request
        self.endResetModel()
        self._load(request)

    def reload(self) -> None:
        """Fetch the loaded rows again, in place (after a change here or elsewhere)."""
        self.refresh_soon()

    def refresh_soon(self, *, created: int = 0) -> None:
        """Refetch every loaded row in place, now or at the end of the current refresh
        interval; new rows appear where the sort puts them when that is within the loaded
        rows. ``created`` (records created since) widens the refetch by as many rows, so the
        rows they push down stay loaded; without it, the last loaded rows may be pushed out
        (they load again as the list scrolls)."""
        self._refresh_all = True
        self._refresh_extra += created
        self._arm_refresh()

    def refresh_rows(
        self, filter_name: str, ids: Iterable[Hashable], of_row: Callable[[Any], Hashable]
    ) -> None:
        """Refetch shortly, in place, the loaded rows whose ``of_row`` is among ``ids``: the
        list's own query, narrowed by the filter ``filter_name`` to the ids loaded (rows of
        ids not loaded are not fetched). A row the query no longer returns is removed."""
        wanted = set(ids)
        loaded = {of_row(row) for row in self._rows} & wanted
        if not loaded:
            return
        _, pending = self._refresh_ids.setdefault(filter_name, (of_row, set()))
        pending |= loaded
        self._arm_refresh()

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

    def _load(
        self,
        request: PageRequest,
        *,
        label: str = "Loading",
        then: Callable[[Page[Any]], None] | None = None,
    ) -> None:
        """Fetch ``request`` in the background; ``then`` (appending a page by default) takes
        the answer if the query has not changed meanwhile."""
        generation = self._query.generation
        self._set_loading(True)
        # owned by the model: a page arriving after the model was deleted (its screen closed
        # while loading) is dropped
        self._tasks.owned_by(self).query(
            self._fetch,
            request,
            label=label,
            on_done=lambda page: self._on_fetched(generation, page, then or self._append),
            on_error=lambda error: self._on_error(generation, error),
        )

    def _on_fetched(
        self, generation: int, page: Page[Any], then: Callable[[Page[Any]], None]
    ) -> None:
        if generation != self._query.generation:
            return  # the user typed on; an older answer is of no use
        self._set_loading(False)
        then(page)
        self.loaded.emit(len(self._rows))
        self._arm_refresh()

    def _append(self, page: Page[Any]) -> None:
        # The cursor moves before the rows arrive: inserting rows makes the view ask
        # canFetchMore at once, and the old cursor would fetch this same page again.
        self._move_cursor(page)
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()

    def _move_cursor(self, page: Page[Any]) -> None:
        if page.next_after is None:
            self._next, self._exhausted = None, True
        else:
            self._next = replace(self._query.request, after=page.next_after)
            self._exhausted = False

    def _on_error(self, generation: int, error: BaseException) -> None:
        if generation != self._query.generation:
            return
        self._set_loading(False)
        self._next = None
        self.failed.emit(
            str(error)
            if isinstance(error, DomainError)
            else "The list could not be loaded; the store may be unreachable."
        )

    def _set_loading(self, loading: bool) -> None:
        if self._loading != loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- refreshing in place ---------------------------------------------------------------

    @property
    def is_refresh_pending(self) -> bool:
        """A refresh waits for its turn (tests wait for it before the store goes)."""
        return bool(self._refresh_all or self._refresh_ids)

    def _arm_refresh(self) -> None:
        if self.is_refresh_pending and not self._loading:
            self._refresh.ask()

    def _start_refresh(self) -> None:
        if self._loading or self._query.generation == 0:
            return  # after the page on its way (its arrival asks again), or before any query
        request = self._query.request
        if self._refresh_all or len(self._refresh_ids) > 1:
            # as many rows as loaded, and the new ones: the window keeps its size
            limit = max(self._page_size, len(self._rows) + self._refresh_extra)
            self._refresh_all, self._refresh_ids, self._refresh_extra = False, {}, 0
            self._load(
                replace(request, after=None, limit=limit),
                label="Refreshing",
                then=self._on_window_refetched,
            )
            return
        [(name, (of_row, ids))] = self._refresh_ids.items()
        self._refresh_ids = {}
        narrowed = replace(
            request,
            after=None,
            filters={**request.filters, name: sorted(ids)},  # type: ignore[type-var]
            limit=max(self._page_size, len(ids) * 4),
        )
        self._load(
            narrowed,
            label="Refreshing",
            then=lambda page: self._on_rows_refetched(of_row, ids, page),
        )

    def _on_window_refetched(self, page: Page[Any]) -> None:
        self._move_cursor(page)
        self._merge(page.rows)

    def _on_rows_refetched(
        self, of_row: Callable[[Any], Hashable], ids: set[Hashable], page: Page[Any]
    ) -> None:
        fresh = {self._key(row): row for row in page.rows}
        gone: list[int] = []
        for position, row in enumerate(self._rows):
            if of_row(row) not in ids:
                continue
            new = fresh.pop(self._key(row), None)
            if new is None:
                gone.append(position)
            elif new != row:
                self._rows[position] = new
                self._row_changed(position)
        self._remove(gone)
        if fresh or page.next_after is not None:
            # rows of these records that were not loaded (a first level at a location):
            # only the whole window knows where they go
            self.refresh_soon(created=len(fresh))

    def _merge(self, rows: list[Any]) -> None:
        """Make the loaded rows ``rows`` with the fewest changes: unchanged rows stay where
        they are (and so do the selection and the current row), the others are updated,
        removed or inserted in place."""
        old_keys = [self._key(row) for row in self._rows]
        new_keys = [self._key(row) for row in rows]
        position = {k: i for i, k in enumerate(new_keys)}
        if len(position) != len(new_keys) or len(set(old_keys)) != len(old_keys):
            self.beginResetModel()  # rows without a key of their own: nothing to follow
            self._rows = list(rows)
            self.endResetModel()
            return
        common = [i for i, k in enumerate(old_keys) if k in position]
        kept = set(_increasing(common, [position[old_keys[i]] for i in common]))
        self._remove([i for i in range(len(old_keys)) if i not in kept])
        at = 0
        while at < len(rows):
            if at < len(self._rows) and self._key(self._rows[at]) == new_keys[at]:
                if self._rows[at] != rows[at]:
                    self._rows[at] = rows[at]
                    self._row_changed(at)
                at += 1
                continue
            end = at
            present = self._key(self._rows[at]) if at < len(self._rows) else None
            while end < len(rows) and new_keys[end] != present:
                end += 1
            self.beginInsertRows(QModelIndex(), at, end - 1)
            self._rows[at:at] = rows[at:end]
            self.endInsertRows()
            at = end
        if len(self._rows) > len(rows):
            self._remove(list(range(len(rows), len(self._rows))))

    def _remove(self, positions: list[int]) -> None:
        """Remove rows at ``positions`` (ascending), bottom run first."""
        for first, last in reversed(_runs(positions)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()

    def _row_changed(self, position: int) -> None:
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.columns) - 1))

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


def _row_key(row: Any) -> Hashable:
    return getattr(row, "id", row)  # type: ignore[no-any-return]


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Ascending positions as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and runs[-1][1] == p - 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs


def _increasing(items: list[int], order: list[int]) -> list[int]:
    """The longest run of ``items`` whose ``order`` increases: the rows that can stay put
    while the others move (a longest increasing subsequence, O(n log n))."""
    tails: list[int] = []  # order values ending the best run of each length
    ends: list[int] = []  # the index (into items) ending it
    previous = [-1] * len(items)
    for i, value in enumerate(order):
        at = bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
            ends.append(i)
        else:
            tails[at], ends[at] = value, i
        previous[i] = ends[at - 1] if at else -1
    kept: list[int] = []
    i = ends[-1] if ends else -1
    while i >= 0:
        kept.append(items[i])
        i = previous[i]
    return kept[::-1]
