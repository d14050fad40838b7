"""The lazy keyset table: pages arrive in the background as the user scrolls."""

from __future__ import annotations

from sqlalchemy import insert

from models.audit import AuditEntry
from services.audit import list_audit
from views.tasks import TaskRunner
from views.widgets.lazy_table import Column, KeysetTableModel


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
