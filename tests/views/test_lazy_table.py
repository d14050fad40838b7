"""The lazy keyset table: pages arrive in the background as the user scrolls."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QAbstractItemView
from sqlalchemy import insert

from models.audit import AuditEntry
from services.audit import list_audit
from views.tasks import TaskRunner
from views.widgets.lazy_table import Column, KeysetTableModel, RowsTableModel
from views.widgets.table_view import ListView


def _audit_rows(store, n: int) -> None:
    with store.session_factory.begin() as session:
        session.execute(
            insert(AuditEntry),
            [
                {"action": f"test.action{i % 3}", "entity_type": "thing", "entity_id": str(i)}
                for i in range(n)
            ],
        )


def _model(store, qtbot, page_size=50):
    tasks = TaskRunner(serial=True)
    model = KeysetTableModel(
        [Column("id", "Id", sort="id"), Column("action", "Action"), Column("entity_id", "Record")],
        lambda request: list_audit(store.unit_of_work(), request),
        tasks,
        page_size=page_size,
    )
    return model, tasks


def test_rows_load_a_page_at_a_time_as_the_view_asks(store, qtbot, qtmodeltester) -> None:
    _audit_rows(store, 120)
    model, _tasks = _model(store, qtbot)
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_query()
    assert model.rowCount() == 50
    assert model.canFetchMore()
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.fetchMore()
    assert model.rowCount() == 100
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.fetchMore()
    assert model.rowCount() == 120
    assert not model.canFetchMore()
    ids = [model.row(i).id for i in range(120)]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 120
    qtmodeltester.check(model)


def test_a_search_reloads_from_the_first_page_and_ignores_stale_answers(store, qtbot) -> None:
    _audit_rows(store, 30)
    model, tasks = _model(store, qtbot)
    model.set_query(search="action1")
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_query(search="action2")
    tasks.wait_for_idle()
    assert model.rowCount() == 10
    assert {model.row(i).action for i in range(10)} == {"test.action2"}


def test_a_refresh_inserts_new_rows_in_place_keeping_the_selection_and_the_rows_on_screen(
    store, qtbot, qtmodeltester
) -> None:
    _audit_rows(store, 60)
    model, _tasks = _model(store, qtbot, page_size=100)
    view = ListView(model)
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_query()
    view.scrollTo(model.index(30, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    view.selectRow(32)
    chosen, top = model.row(32), model.row(view.first_visible_row())
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    _audit_rows(store, 5)  # newest first: they belong above everything loaded
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.refresh_soon()

    assert model.rowCount() == 65 and not resets
    assert model.row(37) == chosen and view.selected_rows() == [chosen]
    assert model.row(view.first_visible_row()) == top
    assert view.new_rows_button.isVisible() and view.new_rows_button.text() == "↑ 5 new"
    ids = [model.row(i).id for i in range(65)]
    assert ids == sorted(ids, reverse=True)
    qtmodeltester.check(model)


def test_refreshes_asked_for_together_share_one_fetch(store, qtbot) -> None:
    _audit_rows(store, 10)
    fetched: list[object] = []
    tasks = TaskRunner(serial=True)
    model = KeysetTableModel(
        [Column("id", "Id"), Column("action", "Action")],
        lambda request: fetched.append(request) or list_audit(store.unit_of_work(), request),
        tasks,
    )
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_query()
    fetched.clear()
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        for _ in range(1_000):
            model.refresh_soon()
    qtbot.wait(400)
    tasks.wait_for_idle()
    assert len(fetched) == 2  # the first at once, all the others together after 250 ms


def test_a_list_view_shows_rows_in_memory_and_sorts_them_keeping_the_selection(qtbot) -> None:
    @dataclass(frozen=True)
    class Line:
        sku: str
        counted: int | None

    model = RowsTableModel([Column("sku", "SKU", sort="sku"), Column("counted", "Counted", "n")])
    model.set_rows([Line("B-2", None), Line("A-1", 4), Line("C-3", 1)])
    view = ListView(model)
    qtbot.addWidget(view)
    view.show()
    assert [model.row(i).sku for i in range(3)] == ["A-1", "B-2", "C-3"]  # as the header says
    view.selectRow(0)
    qtbot.mouseClick(
        view.horizontalHeader().viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(view.columnViewportPosition(1) + 5, 5),
    )
    assert [model.row(i).counted for i in range(3)] in ([1, 4, None], [None, 4, 1])
    assert view.selected_rows() == [Line("A-1", 4)] and view.current_row() == Line("A-1", 4)
    assert view.currentIndex().row() == 1


def test_refreshing_keeps_the_loaded_window_its_size_plus_the_rows_created(store, qtbot) -> None:
    _audit_rows(store, 120)
    model, tasks = _model(store, qtbot)
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_query()
    for _ in range(3):
        qtbot.wait(260)
        with qtbot.waitSignal(model.loaded, timeout=10_000):
            model.refresh_soon()
    assert model.rowCount() == 50 and model.canFetchMore()

    _audit_rows(store, 4)
    qtbot.wait(260)
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.refresh_soon(created=4)
    tasks.wait_for_idle()
    assert model.rowCount() == 54
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.fetchMore()
    ids = [model.row(i).id for i in range(model.rowCount())]
    assert len(set(ids)) == 104 and ids == sorted(ids, reverse=True)  # no row twice, none lost


@dataclass(frozen=True)
class _Row:
    id: int
    value: int


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2)), unique_by=lambda r: r[0]),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2)), unique_by=lambda r: r[0]),
)
@settings(max_examples=300, deadline=None)
def test_any_refetch_merges_into_exactly_its_rows(qapp, before, after) -> None:
    """Whatever moved, arrived, changed or went between two refetches, the merged rows are
    the new ones, through inserts, removals and changes a view can follow."""
    model = KeysetTableModel([Column("id", "Id"), Column("value", "Value")], list_audit, None)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.beginResetModel()
    model._rows = [_Row(*r) for r in before]
    model.endResetModel()
    model._merge([_Row(*r) for r in after])
    assert model.rows() == [_Row(*r) for r in after]
