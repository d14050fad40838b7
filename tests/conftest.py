"""Test harness: a throwaway embedded PostgreSQL per test process, migrated once.

- ``store``: a Store on a connection whose outer transaction is rolled back after the test;
  every unit of work inside runs in a savepoint, so tests are isolated and fast.
- ``committed_store``: a fresh database cloned from the migrated template, for tests that
  really commit (concurrency, LISTEN/NOTIFY); dropped afterwards.
- ``staff``: an Actor per preset role (seeded in the template with real argon2 hashes).

With ``MERCHANT_DATABASE_URL`` set, the same happens on that server: the tests create and drop
their own databases there.
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.database import make_engine, sqlalchemy_url, start_embedded_server, upgrade
from services.actors import Actor
from services.unit_of_work import Store

TEST_PASSWORD = "correct horse battery"
#: real files made by others (Shopify, WooCommerce, Stripe), kept byte for byte: see SOURCES.md
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROLES = ("admin", "manager", "warehouse", "merchandiser")


@dataclass(frozen=True)
class Server:
    """An admin connection string (libpq) to a server the tests may create databases on."""

    admin_uri: str

    def url(self, database: str) -> str:
        return sqlalchemy_url(self.admin_uri, database)

    def run(self, sql: str) -> None:
        with psycopg.connect(self.admin_uri, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, name: str, template: str | None = None) -> str:
        suffix = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        self.run(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    external = os.environ.get("MERCHANT_DATABASE_URL")
    if external:
        url = make_url(external).set(drivername="postgresql", database="postgres")
        yield Server(url.render_as_string(hide_password=False))
        return
    # Short path: the server's Unix socket lives in its data directory (108-byte limit).
    base = Path(tempfile.mkdtemp(prefix="mo-pg-"))
    uri = start_embedded_server(base / "pgdata", throwaway=True)
    yield Server(make_url(uri).set(database="postgres").render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def template_database(pg_server: Server) -> Iterator[str]:
    """A migrated database with the preset staff, cloned by the fixtures below."""
    name = f"mo_template_{_worker()}_{uuid.uuid4().hex[:6]}"
    engine = make_engine(pg_server.create_database(name), pool_size=1)
    try:
        upgrade(engine)
        _seed_base(Store(engine))
    finally:
        engine.dispose()
    yield name
    pg_server.drop_database(name)


def _seed_base(store: Store) -> None:
    from services.staff import hash_password

    password_hash = hash_password(TEST_PASSWORD)
    with store.session_factory.begin() as session:
        session.execute(
            text(
                "INSERT INTO store (id, name, currency, email, address, timezone) VALUES "
                "(1, 'Test Store', 'USD', 'shop@example.com', '{}', 'UTC')"
            )
        )
        for role in ROLES:
            session.execute(
                text(
                    "INSERT INTO staff (email, full_name, password_hash, role_id) "
                    "SELECT :email, :name, :hash, id FROM roles WHERE code = :role"
                ),
                {
                    "email": f"{role}@example.com",
                    "name": f"{role.title()} Tester",
                    "hash": password_hash,
                    "role": role,
                },
            )


@pytest.fixture(scope="session")
def engine(pg_server: Server, template_database: str) -> Iterator[Engine]:
    name = f"mo_test_{_worker()}_{uuid.uuid4().hex[:6]}"
    engine = make_engine(pg_server.create_database(name, template_database))
    event.listen(engine, "handle_error", _end_failed_turn)
    yield engine
    engine.dispose()
    pg_server.drop_database(name)


@pytest.fixture
def store(engine: Engine) -> Iterator[Store]:
    """A store whose every change is rolled back after the test."""
    connection = engine.connect()
    _one_statement_at_a_time(connection)
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield Store(factory)
    finally:
        outer.rollback()
        connection.close()


def _end_failed_turn(context: Any) -> None:
    release = context.connection.info.get("release_statement_turn") if context.connection else None
    if release is not None:
        release()


def _one_statement_at_a_time(connection: Connection) -> None:
    """The test's one connection is shared by the test's own reads (on the test's thread) and
    a screen's background tasks (on the runner's thread); a SQLAlchemy connection is not made
    for two threads at once, so its statements take turns."""
    lock = threading.RLock()
    held = threading.local()

    def acquire(*_: object) -> None:
        lock.acquire()
        held.count = getattr(held, "count", 0) + 1

    def release(*_: object) -> None:
        if getattr(held, "count", 0):
            held.count -= 1
            lock.release()

    event.listen(connection, "before_cursor_execute", acquire)
    event.listen(connection, "after_cursor_execute", release)
    connection.info["release_statement_turn"] = release  # a failed statement (see engine)


@pytest.fixture
def committed_store(pg_server: Server, template_database: str) -> Iterator[Store]:
    """A store on its own fresh database, for tests whose transactions must really commit."""
    name = f"mo_commit_{_worker()}_{uuid.uuid4().hex[:8]}"
    engine = make_engine(pg_server.create_database(name, template_database), pool_size=20)
    try:
        yield Store(engine)
    finally:
        engine.dispose()
        pg_server.drop_database(name)


@pytest.fixture
def staff(store: Store) -> dict[str, Actor]:
    return staff_actors(store)


@pytest.fixture
def committed_staff(committed_store: Store) -> dict[str, Actor]:
    return staff_actors(committed_store)


def staff_actors(store: Store) -> dict[str, Actor]:
    """An Actor per preset role, as sign-in would build it (without paying argon2 each time)."""
    with store.session_factory() as session:
        rows = session.execute(
            text(
                "SELECT s.id, s.full_name, s.email, r.code, r.name, "
                "array_remove(array_agg(rp.permission_code), NULL) "
                "FROM staff s JOIN roles r ON r.id = s.role_id "
                "LEFT JOIN role_permissions rp ON rp.role_id = r.id "
                "GROUP BY s.id, r.code, r.name"
            )
        ).all()
    return {
        code: Actor(
            staff_id=id_, name=name, role=role_name, permissions=frozenset(perms), email=email
        )
        for id_, name, email, code, role_name, perms in rows
        if email == f"{code}@example.com"
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)
