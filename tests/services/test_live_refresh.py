"""Live refresh: a change committed on one connection reaches a listener within a second."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from app.live import APPLICATION_NAME, MAX_NAMED, OutboxListener, changes_of
from services.events import AVAILABILITY_CHANGED, ORDER_NOTE_ADDED, PRODUCT_UPDATED, product_event
from views.context import LiveChanges, StoreChanges


@pytest.mark.committed
def test_a_committed_change_reaches_a_listener_within_a_second_naming_its_records(
    committed_store, qtbot
) -> None:
    live = LiveChanges()
    received: list[tuple[float, StoreChanges]] = []
    live.changed.connect(lambda changes: received.append((time.monotonic(), changes)))
    url = committed_store.engine.url.set(drivername="postgresql")
    listener = OutboxListener(url.render_as_string(hide_password=False), live)
    listener.start()
    try:
        qtbot.waitUntil(lambda: listener.state == "connected", timeout=5_000)
        with committed_store.unit_of_work() as uow:
            uow.emit(product_event(PRODUCT_UPDATED, 1, "tee", [], published=True))
            uow.emit(AVAILABILITY_CHANGED(7, {"sku": None}))
            uow.commit()
        committed = time.monotonic()
        qtbot.waitUntil(lambda: bool(received), timeout=1_000)
        qtbot.wait(100)
        heard = StoreChanges()
        for _, changes in received:
            heard |= changes
        assert heard.ids_by_topic == {"product.updated": {1}, AVAILABILITY_CHANGED.topic: {7}}
        assert max(arrived for arrived, _ in received) - committed < 1.0
    finally:
        listener.stop()
        listener.join(timeout=5)


@pytest.mark.committed
def test_a_rolled_back_change_is_not_announced(committed_store, qtbot) -> None:
    live = LiveChanges()
    received: list[set[str]] = []
    live.changed.connect(received.append)
    url = committed_store.engine.url.set(drivername="postgresql")
    listener = OutboxListener(url.render_as_string(hide_password=False), live)
    listener.start()
    try:
        qtbot.waitUntil(lambda: listener.state == "connected", timeout=5_000)
        with committed_store.unit_of_work() as uow:
            uow.emit(product_event(PRODUCT_UPDATED, 1, "tee", [], published=True))  # no commit
        qtbot.wait(300)
        assert received == []
    finally:
        listener.stop()
        listener.join(timeout=5)


@pytest.mark.committed
def test_the_listener_reconnects_after_the_connection_drops(committed_store, qtbot) -> None:
    live = LiveChanges()
    states: list[str] = []
    received: list[set[str]] = []
    live.connection_changed.connect(states.append)
    live.changed.connect(received.append)
    url = committed_store.engine.url.set(drivername="postgresql")
    listener = OutboxListener(url.render_as_string(hide_password=False), live, poll_seconds=0.1)
    listener.start()
    try:
        qtbot.waitUntil(lambda: listener.state == "connected", timeout=5_000)
        with committed_store.engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": APPLICATION_NAME},
            )
        qtbot.waitUntil(lambda: "reconnecting" in states, timeout=5_000)
        qtbot.waitUntil(lambda: listener.state == "connected", timeout=10_000)
        with committed_store.unit_of_work() as uow:
            uow.emit(ORDER_NOTE_ADDED(3, {"number": 3}))
            uow.commit()
        qtbot.waitUntil(lambda: bool(received), timeout=2_000)
    finally:
        listener.stop()
        listener.join(timeout=5)


def test_a_batch_names_its_records_by_topic_unless_too_many_or_not_numbered() -> None:
    many = [(i, "product.updated", str(i % (MAX_NAMED + 1))) for i in range(3 * MAX_NAMED)]
    changes = changes_of(
        [
            (1, "order.created", "6333"),
            (2, "order.created", "6334"),
            (3, "order.status_changed", "6326"),
            (4, "thing.changed", "a-handle"),
            *many,
        ]
    )
    assert changes.ids("order.") == {6326, 6333, 6334}
    assert changes.ids("order.created") == {6333, 6334}
    assert changes.ids("thing.") is None
    assert changes.ids("product.") is None
    assert changes.topics == {
        "order.created",
        "order.status_changed",
        "thing.changed",
        "product.updated",
    }


@pytest.mark.committed
def test_an_event_committed_after_a_later_one_is_still_heard(committed_store, qtbot) -> None:
    """Outbox ids are taken at insert, but transactions commit in another order."""
    live = LiveChanges()
    heard: list[StoreChanges] = []
    live.changed.connect(heard.append)
    url = committed_store.engine.url.set(drivername="postgresql")
    listener = OutboxListener(url.render_as_string(hide_password=False), live, poll_seconds=0.1)
    listener.start()
    insert = text(
        "INSERT INTO outbox_events (topic, aggregate_type, aggregate_id) "
        "VALUES (:topic, 'order', :id)"
    )
    try:
        qtbot.waitUntil(lambda: listener.state == "connected", timeout=5_000)
        with committed_store.engine.connect() as slow, committed_store.engine.connect() as fast:
            slow.execute(text("SELECT txid_current()"))  # it has written before its event
            slow.execute(insert, {"topic": "order.created", "id": "10"})
            fast.execute(insert, {"topic": "order.created", "id": "11"})
            fast.commit()
            qtbot.waitUntil(lambda: bool(heard), timeout=2_000)
            qtbot.wait(300)  # the listener polls past the gap the open transaction leaves
            slow.commit()
            qtbot.waitUntil(lambda: len(heard) == 2, timeout=2_000)
        qtbot.wait(300)
        assert [h.ids_by_topic for h in heard] == [
            {"order.created": {11}},
            {"order.created": {10}},
        ]
    finally:
        listener.stop()
        listener.join(timeout=5)


def test_the_cursor_misses_no_event_of_a_steady_stream_of_commits(committed_store) -> None:
    """Read while another connection commits one event after another: a transaction may hold
    an outbox id while its transaction id lies above the reader's snapshot's xmax, so the
    floor must not pass ids allocated before the read's own transaction id."""
    import threading

    import psycopg

    from app.live import _LAST_ALLOCATED, OutboxCursor

    url = committed_store.engine.url.set(drivername="postgresql")
    conninfo = url.render_as_string(hide_password=False)
    written = 300
    done = threading.Event()

    def write() -> None:
        with psycopg.connect(conninfo) as writer:
            for i in range(written):
                writer.execute("UPDATE store SET name = name WHERE id = 1")
                writer.execute(
                    "INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, "
                    "cache_tags, public) VALUES ('test.event', 'test', %s, '{}', '{}', false)",
                    (str(i),),
                )
                writer.commit()
        done.set()

    got: list[str] = []
    with psycopg.connect(conninfo, autocommit=True) as reader:
        start = reader.execute(_LAST_ALLOCATED).fetchone()
        cursor = OutboxCursor(start[0] if start else 0)
        thread = threading.Thread(target=write)
        thread.start()
        while not done.is_set() or cursor.seen:
            got += [record for _, _, record in cursor.read(reader)]
        thread.join()
        got += [record for _, _, record in cursor.read(reader)]
    assert sorted(got, key=int) == [str(i) for i in range(written)]
