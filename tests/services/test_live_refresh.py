"""Live refresh: a change committed on one connection reaches a listener within a second."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from app.live import OutboxListener
from services.events import AVAILABILITY_CHANGED, ORDER_NOTE_ADDED, PRODUCT_UPDATED, product_event
from views.context import LiveChanges


@pytest.mark.committed
def test_a_committed_change_reaches_a_listener_within_a_second(committed_store, qtbot) -> None:
    live = LiveChanges()
    received: list[tuple[float, set[str]]] = []
    live.changed.connect(lambda topics: received.append((time.monotonic(), topics)))
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
        qtbot.waitUntil(lambda: len(received) == 2, timeout=1_000)
        assert set().union(*(topics for _, topics in received)) == {
            "product.updated",
            "inventory.availability_changed",
        }
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
                    "WHERE query LIKE 'LISTEN%' OR query = 'SELECT 1' AND pid <> pg_backend_pid()"
                )
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
