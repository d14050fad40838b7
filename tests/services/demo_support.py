"""Helpers for the demo store's tests: a database of its own, seeded once per module."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from app.database import make_engine
from services.unit_of_work import Store

#: the demo's year ends here in every test, so a failure can be replayed exactly
END = datetime(2026, 11, 25, 9, tzinfo=UTC)


@contextmanager
def fresh_store(pg_server: Any, template_database: str) -> Iterator[Store]:
    """A store on a new database cloned from the migrated template (store row, 4 staff)."""
    name = f"mo_demo_{uuid.uuid4().hex[:8]}"
    engine = make_engine(pg_server.create_database(name, template_database), pool_size=2)
    try:
        yield Store(engine)
    finally:
        engine.dispose()
        pg_server.drop_database(name)


def rows(store: Store, sql: str, **params: Any) -> list[Any]:
    with store.session_factory() as session:
        return list(session.execute(text(sql), params).all())


def scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.session_factory() as session:
        return session.execute(text(sql), params).scalar_one()
