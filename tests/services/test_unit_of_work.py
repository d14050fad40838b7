"""One user action, one transaction: rolled back unless committed, clear when the store drops."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app import database
from models.status import MovementReason
from services.errors import InsufficientStock, StoreUnavailable
from services.inventory.ledger import Movement, Reference, move_stock, reserve
from services.progress import Cancelled, Progress
from tests import factories


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


def test_a_deferred_write_is_there_for_the_next_statement(store, staff) -> None:
    with store.unit_of_work() as uow:
        uow.audit(staff["admin"], "thing.change", "thing", 1, after={"tags": ["a", "b"]})
        uow.emit("thing.changed", "thing", 1, payload={"n": 1}, cache_tags=["sku:A"])
        seen = uow.execute(
            text(
                "SELECT (SELECT after FROM audit_log WHERE action = 'thing.change'), "
                "(SELECT cache_tags FROM outbox_events WHERE topic = 'thing.changed')"
            )
        ).one()
        assert tuple(seen) == ({"tags": ["a", "b"]}, ["sku:A"])
        uow.commit()


def test_a_deferred_write_in_a_savepoint_that_rolls_back_is_undone(store, staff) -> None:
    with store.unit_of_work() as uow:
        savepoint = uow.session.begin_nested()
        uow.audit(staff["admin"], "thing.undone", "thing", 1)
        savepoint.rollback()
        uow.audit(staff["admin"], "thing.kept", "thing", 1)
        uow.commit()
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.undone'") == 0
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.kept'") == 1


@pytest.mark.committed
def test_a_deferred_write_that_refuses_undoes_the_whole_unit_and_says_why(
    committed_store, committed_staff
) -> None:
    store, actor = committed_store, committed_staff["admin"]
    [variant] = factories.product(store, skus=("LAST-ONE",))
    place = factories.location(store)
    with store.unit_of_work() as uow:
        move_stock(
            uow, actor, [Movement(variant, place, on_hand=1)], reason=MovementReason.RECEIVED
        )
        uow.commit()
    with (
        pytest.raises(InsufficientStock, match="LAST-ONE: 2 wanted, 1 available"),
        store.unit_of_work() as uow,
    ):
        uow.audit(actor, "thing.before", "thing", 1)
        reserve(uow, actor, [(variant, place, 2)], reference=Reference.of("order", 7))
        uow.emit("thing.after", "thing", 1)
        uow.commit()
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.before'") == 0
    assert _count(store, "SELECT count(*) FROM outbox_events WHERE topic = 'thing.after'") == 0
    assert _count(store, "SELECT sum(committed_delta) FROM stock_movements") == 0
    # the connection went back to the pool clean: the next unit of work commits as usual
    with store.unit_of_work() as uow:
        reserve(uow, actor, [(variant, place, 1)], reference=Reference.of("order", 8))
        uow.commit()
    assert _count(store, "SELECT sum(committed_delta) FROM stock_movements") == 1


@pytest.mark.committed
def test_a_connection_dropped_while_idle_in_the_pool_is_replaced_before_use(
    committed_store, committed_staff, monkeypatch
) -> None:
    store = committed_store
    monkeypatch.setattr(database, "IDLE_BEFORE_PING", 0.0)
    with store.unit_of_work() as uow:
        pids = [uow.execute(text("SELECT pg_backend_pid()")).scalar_one()]
    libpq = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as other:  # not from the pool
        other.execute("SELECT pg_terminate_backend(%s, 5000)", (pids[0],))
    for n in range(3):  # whichever pooled connection comes next, the action goes through
        with store.unit_of_work() as uow:
            uow.audit(committed_staff["admin"], "thing.after_drop", "thing", n)
            pids.append(uow.execute(text("SELECT pg_backend_pid()")).scalar_one())
            uow.commit()
    assert pids[0] not in pids[1:]
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.after_drop'") == 3


def test_writes_in_the_background_are_done_in_order_and_seen_by_the_next_read(store, staff) -> None:
    with store.unit_of_work() as uow:
        uow.audit(staff["admin"], "thing.first", "thing", 1)  # deferred before the block
        with uow.writing_in_background() as background:
            for n in range(20):
                uow.audit(staff["admin"], "thing.each", "thing", n)
            seen = uow.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'thing.each'")
            ).scalar_one()
            assert seen == 20  # a read waits for the writes before it
            uow.audit(staff["admin"], "thing.last", "thing", 99)
        assert background.done == background.queued == 22
        uow.commit()
    ids = _count(
        store,
        "SELECT array_agg(action ORDER BY id) FILTER (WHERE action <> 'thing.each') "
        "FROM audit_log WHERE action LIKE 'thing.%'",
    )
    assert ids == ["thing.first", "thing.last"]


def test_a_background_write_that_fails_stops_the_rest_and_nothing_is_kept(store, staff) -> None:
    with (
        pytest.raises(IntegrityError, match="ck_products_handle_format"),
        store.unit_of_work() as uow,
        uow.writing_in_background(),
    ):
        uow.audit(staff["admin"], "thing.before", "thing", 1)
        uow.defer("INSERT INTO products (handle, title) VALUES ('Not A Handle', 'x')", {})
        uow.audit(staff["admin"], "thing.after", "thing", 1)
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action LIKE 'thing.%'") == 0
    assert _count(store, "SELECT count(*) FROM products") == 0


@pytest.mark.committed
def test_cancelling_while_the_server_writes_stops_it_and_keeps_nothing(
    committed_store, committed_staff
) -> None:
    store = committed_store

    class CancelAtOnce(Progress):
        cancelled = True  # type: ignore[assignment]

    started = time.perf_counter()
    with pytest.raises(Cancelled), store.unit_of_work() as uow:
        with uow.writing_in_background() as background:
            uow.audit(committed_staff["admin"], "thing.slow", "thing", 1)
            uow.defer("SELECT pg_sleep(30)", {})
            background.wait(CancelAtOnce())
        uow.commit()
    assert time.perf_counter() - started < 10  # the sleeping statement was cancelled
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.slow'") == 0
    with store.unit_of_work() as uow:  # the connection went back to the pool usable
        uow.audit(committed_staff["admin"], "thing.next", "thing", 1)
        uow.commit()
    assert _count(store, "SELECT count(*) FROM audit_log WHERE action = 'thing.next'") == 1


class _DropTheConnectionWhileWriting(Progress):
    """Terminates the import's server process from a second connection once the second
    batch of products is being written (pg_terminate_backend, as a restarted server would)."""

    def __init__(self, store) -> None:
        self.store = store
        self.dropped = 0

    def report(self, done: int, total: int | None = None, text_: str = "") -> None:
        if not self.dropped and text_.startswith("Writing products 1,001"):
            with self.store.engine.connect() as other:
                self.dropped = other.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND state <> 'idle'"
                    )
                ).scalar_one()


@pytest.mark.committed
def test_an_import_that_loses_its_connection_says_so_and_saves_nothing(
    committed_store, committed_staff
) -> None:
    from services.imports.products import import_products

    header = (
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty"
    )
    data = "\n".join(
        [header, *(f"p{i},P {i},Title,Default Title,S{i},1.00,2" for i in range(2500))]
    ).encode()
    dropping = _DropTheConnectionWhileWriting(committed_store)
    with pytest.raises(StoreUnavailable) as lost:
        import_products(
            committed_store.unit_of_work(), committed_staff["admin"], data, progress=dropping
        )
    assert dropping.dropped == 1
    assert str(lost.value) == (
        "The connection to the store was lost. Nothing was changed; try again."
    )
    assert _count(committed_store, "SELECT count(*) FROM products") == 0
    # the pool connects anew: trying again imports the file
    import_products(committed_store.unit_of_work(), committed_staff["admin"], data)
    assert _count(committed_store, "SELECT count(*) FROM products") == 2500
