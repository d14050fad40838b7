"""One user action, one transaction.

    with UnitOfWork(store) as uow:
        uow.require(actor, "inventory.adjust")
        ...change rows through uow.session...
        uow.audit(actor, "inventory.adjust", "variant", variant_id, before=..., after=...)
        uow.emit("inventory.changed", "variant", variant_id, cache_tags=[...])
        uow.commit()

Leaving the block without ``commit()`` rolls everything back, audit and outbox rows included.
A lost connection becomes ``StoreUnavailable``; nothing half-done survives either way.

Writes that nothing in the unit of work reads back (the audit entry, the outbox events, a
reservation) are *deferred*: they travel with the next statement, or with the COMMIT, in
the same round trip. A hot SKU's row then stays locked only while the server runs the
reservation and the COMMIT, not while the client hears back and answers.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import TracebackType
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from services.actors import Actor
from services.errors import (
    NUL_REFUSED,
    PermissionDenied,
    StoreUnavailable,
    ValidationFailed,
    holds_nul,
)
from services.permissions import PERMISSION_PHRASES
from services.progress import Progress

#: the SQLSTATE of ``refuse(kind, detail)``, the SQL function a deferred write calls to refuse
#: itself (models/migrations/versions/inventory_0002_deferred_writes.py)
REFUSED = "MO409"
#: where a connection keeps the deferred writes of the unit of work using it
_DEFERRED = "merchant_office_deferred_writes"
#: where a connection keeps the thread sending them, while one does (``writing_in_background``)
_BACKGROUND = "merchant_office_background_writes"


@dataclass(frozen=True)
class Refusal:
    """How a deferred write that refused itself becomes a domain error: ``kind`` is the first
    argument its SQL gives ``refuse``; ``explain`` gets the unit of work (rolled back, usable
    for reading) and the second argument, as JSON."""

    kind: str
    explain: Callable[[UnitOfWork, Any], Exception]


class WriteRefused(Exception):
    """Raised where a deferred write refused itself; the unit of work turns it into its
    Refusal's domain error as the block exits."""

    def __init__(self, kind: str, detail: Any) -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class _Write:
    sql: str
    params: Mapping[str, Any]


class Store:
    """The handle a composition root passes around: how to open units of work on the store."""

    def __init__(self, engine_or_factory: Engine | sessionmaker[Session]) -> None:
        if isinstance(engine_or_factory, sessionmaker):
            self.session_factory = engine_or_factory
        else:
            self.session_factory = sessionmaker(engine_or_factory, expire_on_commit=False)
        if not event.contains(self.engine, "before_cursor_execute", _send_deferred_first):
            event.listen(self.engine, "before_cursor_execute", _send_deferred_first)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

    @property
    def engine(self) -> Engine:
        bind = self.session_factory.kw["bind"]
        return bind if isinstance(bind, Engine) else bind.engine


class UnitOfWork:
    """A transaction on the store with the helpers every mutation needs."""

    session: Session

    def __init__(self, store: Store) -> None:
        self._store = store
        self._committed = False
        self._deferred: list[_Write] = []
        self._deferred_on: dict[Any, Any] | None = None
        self._refusals: dict[str, Refusal] = {}
        self._background: BackgroundWrites | None = None
        self.batch_id: str | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = self._store.session_factory()
        self._committed = False
        self._deferred, self._deferred_on, self._refusals = [], None, {}
        self._background = None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._forget_deferred()
            if not self._committed:
                self.session.rollback()
            if isinstance(exc, WriteRefused) and exc.kind in self._refusals:
                raise self._refusals[exc.kind].explain(self, exc.detail) from None
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            raise StoreUnavailable(
                "The connection to the store was lost. Nothing was changed; try again."
            ) from exc
        if exc is not None and holds_nul(exc):
            # a field a service did not check itself (a search, say); the driver's error is
            # dropped, not chained: its text holds the statement's values, a hash among them
            raise ValidationFailed(f"Text {NUL_REFUSED}.") from None

    def commit(self) -> None:
        if self._background is not None:
            raise RuntimeError("commit after the writing_in_background block, not inside it")
        if self._deferred:
            self.session.flush()  # pending ORM changes go first, as they were made first
            connection = self.session.connection()
            writes = self._forget_deferred()
            if writes:
                # a session joined to an outer transaction (the tests') commits a savepoint
                outermost = connection.get_nested_transaction() is None
                _send(connection, writes, commit=outermost)
        self.session.commit()
        self._committed = True

    def rollback(self) -> None:
        self._forget_deferred()
        self.session.rollback()

    def execute(self, statement: Any, params: Any = None) -> Any:
        return self.session.execute(statement, params)

    def execute_apart(self, statement: Any, params: Any = None) -> Any:
        """Run a statement on a connection of its own, outside this unit of work, and return
        its rows: for what no transaction holds (new ids from a sequence) when a statement
        here would wait for the writes queued in the background."""
        with self._store.engine.connect() as connection:
            result = connection.execute(statement, params)
            rows = result.fetchall() if result.returns_rows else None
            connection.commit()
        return rows

    def defer(self, sql: str, params: Mapping[str, Any], *, refusal: Refusal | None = None) -> None:
        """Queue a write whose result this unit of work does not read: it is sent just before
        the next statement, or with the COMMIT, without a round trip of its own. ``sql`` is
        driver SQL (``%(name)s`` parameters). It may refuse itself in SQL with
        ``refuse(kind, detail)``; ``refusal`` then says which domain error the caller gets."""
        if refusal is not None:
            self._refusals[refusal.kind] = refusal
        if self._background is not None:
            self._background.add(_Write(sql, params))
            return
        if self._deferred_on is None:
            # the connection's info outlives the Connection object, which may close first
            self._deferred_on = self.session.connection().info
            self._deferred_on[_DEFERRED] = self._deferred
        self._deferred.append(_Write(sql, params))

    @contextmanager
    def writing_in_background(self) -> Iterator[BackgroundWrites]:
        """Within the block, deferred writes are sent by a thread of their own, in order, as
        soon as they are deferred: the server writes one batch while this thread prepares the
        next (an import spends seconds of Python building its statements, and the server
        seconds more running them). A statement that reads waits for the writes before it.

        Leaving the block waits for every write; a write that failed is raised there (or at
        the next ``defer``), and the rest are not sent. An exception inside the block stops
        the thread, cancelling the statement the server is running, before it propagates:
        the unit of work then rolls back as usual.
        """
        self.session.flush()
        connection = self.session.connection()
        # kept from the start: once the connection is lost, SQLAlchemy refuses to reach its
        # info (PendingRollbackError), which would hide the loss behind a bug of our own
        info = connection.info
        background = BackgroundWrites(connection)
        for write in self._forget_deferred():  # writes deferred before the block go first
            background.add(write)
        self._background = info[_BACKGROUND] = background
        try:
            yield background
            background.finish()
        except BaseException:
            background.abort()
            raise
        finally:
            info.pop(_BACKGROUND, None)
            self._background = None

    def _forget_deferred(self) -> list[_Write]:
        writes, self._deferred = self._deferred, []
        if self._deferred_on is not None:
            self._deferred_on.pop(_DEFERRED, None)
            self._deferred_on = None
        return writes

    # -- permissions -----------------------------------------------------------------------

    def require(self, actor: Actor, permission: str, *, granted: bool | None = None) -> None:
        """Raise PermissionDenied unless ``actor`` may ``permission`` now.

        Staff are checked against the store, not the copy taken at sign-in, so deactivating a
        person or changing a role binds on their next action. ``granted`` is the store's answer
        when the caller's first query already asked it (``GRANTED``, with ``:staff`` and
        ``:permission``), which saves a round trip on a hot action.
        """
        if actor.is_system:
            if not actor.can(permission):
                raise PermissionDenied(f"{actor.name} may not {describe(permission)}.")
            return
        if granted is None:
            granted = self.session.execute(
                _GRANTED, {"staff": actor.staff_id, "permission": permission}
            ).scalar_one()
        if not granted:
            raise PermissionDenied(
                f"{actor.name} ({actor.role}) may not {describe(permission)}. "
                "Ask an admin if your job needs it."
            )

    # -- audit and outbox ------------------------------------------------------------------

    def audit(
        self,
        actor: Actor,
        action: str,
        entity_type: str,
        entity_id: object,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> None:
        self.audit_many(actor, action, entity_type, [(entity_id, before, after)], note=note)

    def audit_many(
        self,
        actor: Actor,
        action: str,
        entity_type: str,
        entries: Iterable[tuple[object, dict[str, Any] | None, dict[str, Any] | None]],
        *,
        note: str | None = None,
    ) -> None:
        """Audit many records in one INSERT (a bulk edit of 100,000 variants)."""
        rows = [
            {
                "staff_id": actor.staff_id,
                "action": action,
                "entity_type": entity_type,
                "entity_id": None if entity_id is None else str(entity_id),
                "before": jsonable(before),
                "after": jsonable(after),
                "note": note if actor.staff_id is not None else _system_note(actor, note),
                "batch_id": self.batch_id,
            }
            for entity_id, before, after in entries
        ]
        if rows:
            self.defer(_AUDIT, {"rows": json.dumps(rows)})

    def emit(
        self,
        topic: str,
        aggregate_type: str,
        aggregate_id: object,
        *,
        payload: dict[str, Any] | None = None,
        cache_tags: list[str] | None = None,
        public: bool = True,
    ) -> None:
        """Write an outbox event; listeners hear of it when the transaction commits."""
        self.emit_many(
            topic, aggregate_type, [(aggregate_id, payload or {}, cache_tags or [])], public=public
        )

    def emit_many(
        self,
        topic: str,
        aggregate_type: str,
        events: Iterable[tuple[object, dict[str, Any], list[str]]],
        *,
        public: bool = True,
    ) -> None:
        rows = [
            {
                "topic": topic,
                "aggregate_type": aggregate_type,
                "aggregate_id": str(aggregate_id),
                "payload": jsonable(payload),
                "cache_tags": tags,
                "public": public,
            }
            for aggregate_id, payload, tags in events
        ]
        if rows:
            self.defer(_EMIT, {"rows": json.dumps(rows)})

    def tune_for_bulk_writes(self) -> None:
        """For a transaction that writes a hundred thousand rows (an import, a bulk edit):
        new trigram index entries go to the indexes' pending lists (merged later by
        autovacuum) instead of into the indexes row by row while the merchant waits.

        Its sorts spill a few megabytes to disk at the server's 4 MB of work_mem; 64 MB kept
        them in memory but made a 100,000-variant import slower (writing 13.4-14.0 s against
        10.8-13.0 s, alternated in one run), so it stays as it is."""
        self.session.execute(_BULK_SETTINGS)

    def new_batch(self) -> str:
        """Group the audit entries of this unit of work (a bulk edit, an import)."""
        self.batch_id = uuid.uuid4().hex
        return self.batch_id


_BULK_SETTINGS = text("SET LOCAL gin_pending_list_limit = '256MB'")

#: whether staff member ``:staff`` may ``:permission`` now, as an SQL expression
GRANTED = (
    "EXISTS (SELECT 1 FROM staff s JOIN role_permissions rp ON rp.role_id = s.role_id"
    " WHERE s.id = :staff AND s.is_active AND rp.permission_code = :permission)"
)
_GRANTED = text(f"SELECT {GRANTED}")
#: functions, not statements: their plans are kept for the session, while a deferred
#: statement would be planned anew every time (models/migrations/versions/inventory_0004_*)
_AUDIT = "SELECT append_audit(%(rows)s::jsonb)"
_EMIT = "SELECT append_outbox(%(rows)s::jsonb)"


def _send_deferred_first(
    conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    """Before any statement runs on a connection, send the writes deferred on it: a statement
    must see every write its unit of work made before it."""
    background = conn.info.get(_BACKGROUND)
    if background is not None:
        background.wait()
        return
    writes = conn.info.get(_DEFERRED)
    if writes:
        pending = list(writes)
        writes.clear()
        _send(conn, pending, commit=False)


def _send(connection: Connection, writes: list[_Write], *, commit: bool) -> None:
    """Send ``writes`` (and the COMMIT) as one query: one round trip for all of them.

    The parameters are bound by the client (``ClientCursor.mogrify``, psycopg's own quoting)
    because only a simple query may hold several statements; psycopg's pipeline mode would do
    the same in one round trip but costs more time in the client than the round trip saves.
    """
    driver: psycopg.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    binder = psycopg.ClientCursor(driver)
    script = ";\n".join(binder.mogrify(w.sql, w.params) for w in writes)
    try:
        driver.execute(script + (";\nCOMMIT" if commit else ""))
    except psycopg.Error as error:
        if error.sqlstate == REFUSED:
            detail = error.diag.message_detail
            raise WriteRefused(
                error.diag.message_primary or "", json.loads(detail) if detail else None
            ) from None
        lost = driver.broken or driver.closed
        if lost:
            connection.invalidate(error)  # as SQLAlchemy does when its own statement finds it
        # the statements without their values: an error's text reaches the log
        raise DBAPIError.instance(
            ";\n".join(w.sql for w in writes), {}, error, psycopg.Error, connection_invalidated=lost
        ) from error


class BackgroundWrites:
    """The thread sending a unit of work's deferred writes while ``writing_in_background``.

    Attributes:
        queued: writes deferred so far.
        done: writes the server has finished.
        stage: the text of the last ``stage`` the thread has reached, for progress reports.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        #: to cancel with, even once SQLAlchemy has invalidated the connection
        self._driver: psycopg.Connection = connection.connection.driver_connection  # type: ignore[assignment]
        self._queue: list[_Write | str] = []
        self._busy = False
        self._stopping = False
        self._error: BaseException | None = None
        self._changed = threading.Condition()
        self.queued = self.done = 0
        self.stage = ""
        self._reached: list[str] = []  # stages reached and not reported yet
        self._thread = threading.Thread(target=self._run, name="background-writes", daemon=True)
        self._thread.start()

    def add(self, write: _Write) -> None:
        with self._changed:
            self._raise_error()
            self._queue.append(write)
            self.queued += 1
            self._changed.notify_all()

    def mark(self, stage: str) -> None:
        """Name the writes deferred after this: ``stage`` becomes the thread's stage when it
        reaches them."""
        with self._changed:
            self._queue.append(stage)
            self._changed.notify_all()

    def wait(self, progress: Progress | None = None) -> None:
        """Return once every write deferred so far is done; raise the one that failed.
        ``progress`` hears each stage the thread reaches (every one, however quickly it was
        done) and how many writes are done, and may cancel while they run."""
        while True:
            with self._changed:
                if self._error is None and (self._queue or self._busy):
                    self._changed.wait(0.1)
                self._raise_error()
                finished = not (self._queue or self._busy)
                done, queued = self.done, self.queued
                reached = [self.stage]
                if progress is not None and self._reached:
                    reached, self._reached = self._reached, []
            if progress is not None:
                for stage in reached:
                    progress.report(done, queued, stage)
            if finished:
                return

    def finish(self) -> None:
        self.wait()
        self._stop()

    def abort(self) -> None:
        """Stop now: the writes not sent are dropped and the one running is cancelled."""
        with self._changed:
            self._queue.clear()
        self._stop(wait=False)
        while self._thread.is_alive():
            with self._changed:
                busy = self._busy
            if busy:
                # again until it stops: a cancel that reaches the server before the statement
                # has started is dropped (so is one that arrives after it ended)
                self._driver.cancel_safe()
            self._thread.join(0.2)

    def _stop(self, *, wait: bool = True) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if wait:
            self._thread.join()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error  # again on every later use: nothing more is sent after it

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._queue and not self._stopping:
                    self._changed.wait()
                if not self._queue:
                    return
                item = self._queue.pop(0)
                if isinstance(item, str):
                    self.stage = item
                    self._reached.append(item)
                    self._changed.notify_all()
                    continue
                self._busy = True
            try:
                _send(self._connection, [item], commit=False)
            except BaseException as error:  # raised in the unit of work's own thread
                with self._changed:
                    self._error = error
                    self._queue.clear()
                    self._busy = False
                    self._changed.notify_all()
                return
            with self._changed:
                self._busy = False
                self.done += 1
                self._changed.notify_all()


def describe(permission: str) -> str:
    return PERMISSION_PHRASES.get(permission, permission)


def _system_note(actor: Actor, note: str | None) -> str:
    return f"{actor.name}: {note}" if note else actor.name


def jsonable(value: Any) -> Any:
    """A value as plain JSON (dates as ISO text, enums as values, Decimal as text)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return json.loads(json.dumps(value, default=str))
