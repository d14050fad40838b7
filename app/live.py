"""Live refresh: LISTEN for outbox notifications, read the events committed since the last ones
heard, and tell the open screens which records changed.

One dedicated connection per workstation listens on ``merchant_outbox``. A notification only
wakes the reader: it reads the outbox rows it has not had yet (topic, record type and id), so a
burst of notifications costs one read, and a screen learns which rows to refetch. The thread
also watches the connection: it reports "reconnecting" when the store goes away, reconnects by
itself, and then reads what was committed meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import psycopg

from models.outbox import NOTIFY_CHANNEL
from views.context import LiveChanges, StoreChanges

log = logging.getLogger(__name__)

#: how the listener's connection shows among the store's sessions
APPLICATION_NAME = "merchant-office-listener"
#: beyond this many records of one topic in one batch, a screen hears "any of them"
MAX_NAMED = 2_000

_LAST_ALLOCATED = (
    "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM outbox_events_id_seq"
)
#: the snapshot's oldest running transaction, and a transaction id newer than every one
#: assigned before the read began: this read's own (a snapshot's xmax is only one past the last
#: transaction to complete, and a transaction that started later but has not ended may lie
#: above it, holding an outbox id already)
_SNAPSHOT = (
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
    "pg_current_xact_id()::text::bigint"
)
_EVENTS = (
    "SELECT id, topic, aggregate_id FROM outbox_events "
    "WHERE id > %s AND NOT id = ANY(%s) ORDER BY id"
)


@dataclass
class OutboxCursor:
    """Which outbox events a reader has had.

    Ids come from a sequence when a transaction inserts, but transactions commit in another
    order: event 10 may commit after event 11 was read. So the reader keeps the ids it read
    above ``floor`` and moves ``floor`` only over ids that can no longer appear: those
    allocated before the read's own transaction id was assigned, once every transaction
    older than that id has ended. (A transaction writes its change before its outbox row, so
    it holds a transaction id by the time it takes an outbox id.)

    Attributes:
        floor: every event up to this id was read, or will never be committed.
        seen: ids above ``floor`` already read.
    """

    floor: int
    seen: set[int] = field(default_factory=set)
    #: (a read's own transaction id, the last outbox id allocated before it)
    _waiting: list[tuple[int, int]] = field(default_factory=list)

    def read(self, connection: psycopg.Connection) -> list[tuple[int, str, str]]:
        """The events committed since the last read, oldest first."""
        allocated = connection.execute(_LAST_ALLOCATED).fetchone()
        with connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            snapshot = connection.execute(_SNAPSHOT).fetchone()
            rows = connection.execute(_EVENTS, (self.floor, list(self.seen))).fetchall()
        assert allocated is not None and snapshot is not None
        xmin, horizon = snapshot
        self.seen.update(r[0] for r in rows)
        self._waiting.append((horizon, allocated[0]))
        settled = [last for horizon, last in self._waiting if horizon <= xmin]
        if settled:
            self._waiting = [(h, last) for h, last in self._waiting if h > xmin]
            self.floor = max(self.floor, *settled)
            self.seen = {i for i in self.seen if i > self.floor}
        return [(r[0], r[1], r[2]) for r in rows]


def changes_of(events: list[tuple[int, str, str]]) -> StoreChanges:
    """Events grouped by topic, with the ids of their records; a topic with too many, or with
    a record not named by a number, names none (a screen then refreshes all it shows)."""
    by_topic: dict[str, set[int] | None] = defaultdict(set)
    for _, topic, record in events:
        ids = by_topic[topic]
        if ids is None:
            continue
        if not record.isdigit() or (len(ids) >= MAX_NAMED and int(record) not in ids):
            by_topic[topic] = None
        else:
            ids.add(int(record))
    return StoreChanges({t: None if ids is None else frozenset(ids) for t, ids in by_topic.items()})


class OutboxListener(threading.Thread):
    """Feeds ``live.changed`` with the outbox events committed since the last batch."""

    def __init__(self, conninfo: str, live: LiveChanges, *, poll_seconds: float = 0.5) -> None:
        super().__init__(name="outbox-listener", daemon=True)
        self._conninfo = conninfo
        self._live = live
        self._poll = poll_seconds
        self._stopping = threading.Event()
        self._cursor: OutboxCursor | None = None
        self.state = "connecting"

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    self._conninfo,
                    autocommit=True,
                    connect_timeout=5,
                    application_name=APPLICATION_NAME,
                ) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    if self._cursor is None:
                        start = conn.execute(_LAST_ALLOCATED).fetchone()
                        self._cursor = OutboxCursor(start[0] if start else 0)
                    else:
                        self._deliver(self._cursor.read(conn))  # committed while away
                    self._set_state("connected")
                    delay = 0.5
                    self._listen(conn, self._cursor)
            except psycopg.Error as error:
                if self._stopping.is_set():
                    break
                log.warning("Store connection lost: %s", error)
                self._set_state("reconnecting")
                self._stopping.wait(delay)
                delay = min(delay * 2, 10.0)

    def _listen(self, conn: psycopg.Connection, cursor: OutboxCursor) -> None:
        while not self._stopping.is_set():
            heard = list(conn.notifies(timeout=self._poll, stop_after=1))
            if heard:
                # a burst of commits: one read covers every notification queued meanwhile
                list(conn.notifies(timeout=0.01))
                self._deliver(cursor.read(conn))
            elif cursor.seen:
                # an event read above a gap: the gap's transaction may have ended unheard
                # (rolled back), so read again until the floor passes it
                self._deliver(cursor.read(conn))
            else:
                # an idle connection that died says so only when used
                conn.execute("SELECT 1")

    def _deliver(self, events: list[tuple[int, str, str]]) -> None:
        if events:
            self._live.changed.emit(changes_of(events))

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._live.connection_changed.emit(state)
