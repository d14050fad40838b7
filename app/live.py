"""Live refresh: LISTEN for outbox notifications and tell the open screens.

One dedicated connection per workstation listens on ``merchant_outbox``. The thread also watches
the connection: it reports "reconnecting" when the store goes away and reconnects by itself.
"""

from __future__ import annotations

import json
import logging
import threading

import psycopg

from models.outbox import NOTIFY_CHANNEL
from views.context import LiveChanges

log = logging.getLogger(__name__)


class OutboxListener(threading.Thread):
    """Feeds ``live.changed`` with the topics of every committed outbox batch."""

    def __init__(self, conninfo: str, live: LiveChanges, *, poll_seconds: float = 0.5) -> None:
        super().__init__(name="outbox-listener", daemon=True)
        self._conninfo = conninfo
        self._live = live
        self._poll = poll_seconds
        self._stopping = threading.Event()
        self.state = "connecting"

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._set_state("connected")
                    delay = 0.5
                    while not self._stopping.is_set():
                        for notify in conn.notifies(timeout=self._poll):
                            self._deliver(notify.payload)
                        # an idle connection that died says so only when used
                        conn.execute("SELECT 1")
            except psycopg.Error as error:
                if self._stopping.is_set():
                    break
                log.warning("Store connection lost: %s", error)
                self._set_state("reconnecting")
                self._stopping.wait(delay)
                delay = min(delay * 2, 10.0)

    def _deliver(self, payload: str) -> None:
        try:
            topics = set(json.loads(payload).get("topics") or [])
        except (ValueError, AttributeError):
            topics = set()
        if topics:
            self._live.changed.emit(topics)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._live.connection_changed.emit(state)
