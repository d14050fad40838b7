"""Live refresh: a change committed on one connection reaches a listener within a second."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from app.live import APPLICATION_NAME, OutboxListener
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
            uow.emit("product.updated", "product", 1, cache_tags=["product:tee"])
            uow.emit("inventory.changed", "variant", 7)
            uow.commit()
        committed = time.monotonic()
        qtbot.waitUntil(lambda: bool(received), timeout=1_000)
        qtbot.wait(100)
        heard = StoreChanges()
        for _, changes in received:
            heard |= changes
        assert heard.ids_by_topic == {"product.updated": {1}, "inventory.changed": {7}}
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
            uow.emit("product.updated", "product", 1)  # no commit
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
            uow.emit("order.updated", "order", 3)
            uow.commit()
        qtbot.waitUntil(lambda: bool(received), timeout=2_000)
    finally:
        listener.stop()
        listener.join(timeout=5)
