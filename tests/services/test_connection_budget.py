"""What a desktop holds on a shared server: at most three pooled connections however many of
its threads are busy, each named with the workstation and who signed in there."""

from __future__ import annotations

import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from app.database import (
    DESKTOP_OVERFLOW,
    DESKTOP_POOL_SIZE,
    label_connections,
    make_engine,
)


def _url(committed_store) -> str:
    return committed_store.engine.url.render_as_string(hide_password=False)


def test_connections_name_the_workstation_and_the_staff_member_signed_in(
    committed_store,
) -> None:
    desktop = make_engine(_url(committed_store), pool_size=DESKTOP_POOL_SIZE)
    try:
        with desktop.connect() as connection:
            before = connection.scalar(text("SELECT current_setting('application_name')"))
        label_connections(desktop, "manager@example.com")
        with desktop.connect() as connection:
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
            # what an administrator sees from another connection
            with committed_store.engine.connect() as admin:
                seen = admin.scalar(
                    text("SELECT application_name FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": pid},
                )
    finally:
        desktop.dispose()
    assert before == f"merchant-office {socket.gethostname()}"[:63]
    assert seen == f"merchant-office {socket.gethostname()} manager@example.com"[:63]


def test_five_busy_threads_of_a_desktop_share_three_connections(committed_store) -> None:
    desktop = make_engine(
        _url(committed_store), pool_size=DESKTOP_POOL_SIZE, max_overflow=DESKTOP_OVERFLOW
    )
    marker = f"budget-{uuid.uuid4().hex[:8]}"
    label_connections(desktop, marker)
    peak = 0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        with committed_store.engine.connect() as admin:
            while not stop.is_set():
                held = admin.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE :n"),
                    {"n": f"%{marker}"},
                )
                peak = max(peak, held)
                admin.rollback()
                stop.wait(0.02)

    def work(_: int) -> int:
        with desktop.connect() as connection:
            return connection.scalar(text("SELECT 1 FROM pg_sleep(0.3)"))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(5) as threads:
            results = list(threads.map(work, range(10)))
        kept = desktop.pool.checkedin()
    finally:
        stop.set()
        watcher.join()
        desktop.dispose()
    assert results == [1] * 10
    assert 1 <= peak <= DESKTOP_POOL_SIZE + DESKTOP_OVERFLOW == 3
    assert kept == DESKTOP_POOL_SIZE  # the extra one is closed once it is not needed
