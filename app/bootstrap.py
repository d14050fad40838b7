"""Opening the store: the one sequence the app, the CLI and the API share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine

from app.connection_errors import StoreUnreachable, explain
from app.database import make_engine, resolve_database_url, upgrade
from app.settings import Settings
from services.unit_of_work import Store


@dataclass
class OpenStore:
    settings: Settings
    url: str
    engine: Engine
    store: Store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> OpenStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(
    settings: Settings | None = None,
    *,
    migrate: bool = True,
    pool_size: int = 5,
    max_overflow: int | None = None,
) -> OpenStore:
    """Start the embedded server if needed, create the database, migrate, and connect."""
    settings = settings or Settings.from_environment()
    #: the server being reached, which the message names if it does not answer
    reaching = settings.migration_url or settings.database_url or ""
    try:
        url = resolve_database_url(settings)
        engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        if migrate and settings.migration_url:
            migrate_as_owner(settings.migration_url)
        reaching = url
        if migrate and not settings.migration_url:
            upgrade(engine)
        else:
            engine.connect().close()  # a server that does not answer is said now, in words
    except Exception as error:
        message = explain(error, reaching)
        if message is None:
            raise
        raise StoreUnreachable(message) from None
    return OpenStore(settings, url, engine, Store(engine))


def migrate_as_owner(migration_url: str) -> None:
    """Apply the migrations as the role that owns the tables, on a connection of its own."""
    owner = make_engine(migration_url, pool_size=1)
    try:
        upgrade(owner)
    finally:
        owner.dispose()


@contextmanager
def command_line_store() -> Iterator[Store]:
    """The store for one CLI command: opened (and migrated) on entry, closed on exit."""
    with open_store(pool_size=1) as opened:
        yield opened.store
