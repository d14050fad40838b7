"""One user action, one transaction.

    with UnitOfWork(store) as uow:
        uow.require(actor, "inventory.adjust")
        ...change rows through uow.session...
        uow.audit(actor, "inventory.adjust", "variant", variant_id, before=..., after=...)
        uow.emit("inventory.changed", "variant", variant_id, cache_tags=[...])
        uow.commit()

Leaving the block without ``commit()`` rolls everything back, audit and outbox rows included.
A lost connection becomes ``StoreUnavailable``; nothing half-done survives either way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from models.audit import AuditEntry
from models.outbox import OutboxEvent
from services.actors import Actor
from services.errors import PermissionDenied, StoreUnavailable
from services.permissions import PERMISSION_PHRASES


class Store:
    """The handle a composition root passes around: how to open units of work on the store."""

    def __init__(self, engine_or_factory: Engine | sessionmaker[Session]) -> None:
        if isinstance(engine_or_factory, sessionmaker):
            self.session_factory = engine_or_factory
        else:
            self.session_factory = sessionmaker(engine_or_factory, expire_on_commit=False)

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
        self.batch_id: str | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = self._store.session_factory()
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            raise StoreUnavailable(
                "The connection to the store was lost. Nothing was changed; try again."
            ) from exc

    def commit(self) -> None:
        self.session.commit()
        self._committed = True

    def rollback(self) -> None:
        self.session.rollback()

    def execute(self, statement: Any, params: Any = None) -> Any:
        return self.session.execute(statement, params)

    # -- permissions -----------------------------------------------------------------------

    def require(self, actor: Actor, permission: str) -> None:
        """Raise PermissionDenied unless ``actor`` may ``permission`` now.

        Staff are checked against the store, not the copy taken at sign-in, so deactivating a
        person or changing a role binds on their next action.
        """
        if actor.is_system:
            if not actor.can(permission):
                raise PermissionDenied(f"{actor.name} may not {describe(permission)}.")
            return
        allowed = self.session.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM staff s JOIN role_permissions rp"
                " ON rp.role_id = s.role_id WHERE s.id = :staff AND s.is_active"
                " AND rp.permission_code = :permission)"
            ),
            {"staff": actor.staff_id, "permission": permission},
        ).scalar_one()
        if not allowed:
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
            # Core, not an ORM bulk insert: a third of a small action's time went to the ORM here.
            self.session.connection().execute(AuditEntry.__table__.insert(), rows)

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
            self.session.connection().execute(OutboxEvent.__table__.insert(), rows)

    def new_batch(self) -> str:
        """Group the audit entries of this unit of work (a bulk edit, an import)."""
        self.batch_id = uuid.uuid4().hex
        return self.batch_id


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
