"""One user action, one transaction: rolled back unless committed, clear when the store drops."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.errors import StoreUnavailable


def _count(store, sql: str) -> int:
    with store.session_factory() as session:
        return session.execute(text(sql)).scalar_one()


def test_leaving_without_commit_rolls_back_audit_and_outbox_too(store, staff) -> None:
    with store.unit_of_work() as uow:
        uow.audit(staff["admin"], "thing.change", "thing", 1, before={"a": 1}, after={"a": 2})
        uow.emit("thing.changed", "thing", 1)
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.change'") == 0
    assert _count(store, "SELECT count(*) FROM outbox_events") == 0


def test_an_error_inside_rolls_everything_back(store, staff) -> None:
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.audit(staff["admin"], "thing.change", "thing", 1)
        uow.commit()
        uow.emit("thing.changed", "thing", 1)
        raise RuntimeError("boom")
    assert _count(store, "SELECT count(*) FROM outbox_events") == 0


@pytest.mark.committed
def test_a_dropped_connection_is_reported_and_nothing_is_half_written(
    committed_store, committed_staff
) -> None:
    store = committed_store
    with pytest.raises(StoreUnavailable, match="Nothing was changed"), store.unit_of_work() as uow:
        uow.audit(committed_staff["admin"], "thing.change", "thing", 1)
        pid = uow.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with store.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        uow.emit("thing.changed", "thing", 1)
        uow.commit()
    # the pool hands out a fresh connection; the next action carries on
    with store.unit_of_work() as uow:
        uow.audit(committed_staff["admin"], "thing.again", "thing", 1)
        uow.commit()
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.change'") == 0
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.again'") == 1
