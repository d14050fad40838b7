"""The runtime role a shared server's workstations connect as: it owns nothing, cannot touch
the append-only tables' past or their triggers, and every main feature still works as it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.database import make_engine
from app.privileges import privilege_warning, runtime_role_statements
from models.base import append_only_tables
from models.status import MovementReason, OrderStatus
from services.imports.products import import_products
from services.inventory.adjustments import AdjustmentLine, adjust_stock
from services.orders import cancel_order, get_order_detail
from services.payments import refund_order
from services.unit_of_work import Store
from tests import orders_support as support
from tests.conftest import Server, staff_actors


@dataclass(frozen=True)
class RuntimeStore:
    store: Store  #: connected as the runtime role
    conninfo: str  #: libpq, the runtime role on the same database
    owner_url: str  #: the suite's own role (the tables' owner) on the same database


@pytest.fixture
def runtime(pg_server: Server, template_database: str) -> Iterator[RuntimeStore]:
    """A fresh database owned by the test server's role, and a runtime role made for it by the
    statements ``merchant-office db roles`` runs. Roles are cluster-wide: a name of its own,
    dropped after the database."""
    database = f"mo_runtime_{uuid.uuid4().hex[:8]}"
    role, password = f"mo_runtime_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    owner_url = make_url(pg_server.create_database(database, template_database))
    owner_conninfo = owner_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(owner_conninfo, autocommit=True) as connection:
        owner = connection.execute("SELECT current_user").fetchone()[0]
        for statement in runtime_role_statements(
            role, database=database, owner=owner, password=password
        ):
            connection.execute(statement)
    runtime_url = owner_url.set(username=role, password=password)
    engine = make_engine(runtime_url.render_as_string(hide_password=False))
    try:
        yield RuntimeStore(
            Store(engine),
            runtime_url.set(drivername="postgresql").render_as_string(hide_password=False),
            owner_url.render_as_string(hide_password=False),
        )
    finally:
        engine.dispose()
        pg_server.drop_database(database)
        pg_server.run(f'DROP ROLE IF EXISTS "{role}"')


ATTEMPTS = {
    "UPDATE": "UPDATE {t} SET id = id",
    "DELETE": "DELETE FROM {t}",
    "TRUNCATE": "TRUNCATE {t}",
    "DISABLE TRIGGER": "ALTER TABLE {t} DISABLE TRIGGER USER",
    "DROP": "DROP TABLE {t}",
}


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_the_runtime_role_cannot_rewrite_the_append_only_tables(
    runtime: RuntimeStore, attempt: str
) -> None:
    refused = []
    with psycopg.connect(runtime.conninfo, autocommit=True) as connection:
        for table in append_only_tables():
            try:
                connection.execute(ATTEMPTS[attempt].format(t=table))
            except (errors.InsufficientPrivilege, errors.WrongObjectType) as error:
                refused.append((table, type(error)))
    assert refused == [(t, errors.InsufficientPrivilege) for t in append_only_tables()]


def test_the_runtime_role_owns_nothing_and_may_not_change_the_schema(
    runtime: RuntimeStore,
) -> None:
    with psycopg.connect(runtime.conninfo, autocommit=True) as connection:
        owned = connection.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
        ).fetchone()
        assert owned == (0,)
        for ddl in (
            "CREATE TABLE intruder (id int)",
            "ALTER TABLE orders ADD COLUMN intruder int",
            "TRUNCATE orders",
            "DELETE FROM alembic_version",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                connection.execute(ddl)


def test_the_main_features_work_as_the_runtime_role(runtime: RuntimeStore) -> None:
    store = runtime.store
    staff = staff_actors(store)
    shop = support.shop(store, staff["admin"], skus=("RT-A", "RT-B"), price=2500)

    adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(shop.variants[0], shop.location_id, change=5)],
        reason=MovementReason.RECEIVED,
    )
    shipped = support.place(store, staff["manager"], shop, (2,))
    support.pay(store, staff["manager"], shipped, 5000)
    support.advance(store, staff["manager"], shipped, OrderStatus.SHIPPED)
    refund_order(
        store.unit_of_work(), staff["manager"], shipped, amount=1000, idempotency_key="rt-1"
    )
    cancelled = support.place(store, staff["manager"], shop, (0, 1))
    cancel_order(store.unit_of_work(), staff["manager"], cancelled, reason="customer asked")
    imported = import_products(
        store.unit_of_work(),
        staff["admin"],
        b"Handle,Title,Variant SKU,Variant Price,Variant Inventory Qty\n"
        b"runtime-mug,Runtime Mug,RT-MUG,9.50,4\n",
    )

    assert get_order_detail(store.unit_of_work(), shipped).status == "shipped"
    assert get_order_detail(store.unit_of_work(), shipped).payments[0].refunded_amount == 1000
    assert get_order_detail(store.unit_of_work(), cancelled).status == "cancelled"
    assert imported is not None
    with store.session_factory() as session:
        assert (
            session.scalar(
                text("SELECT on_hand FROM inventory_levels WHERE variant_id = :v"),
                {"v": shop.variants[0]},
            )
            == 10 + 5 - 2
        )
        assert session.scalar(text("SELECT count(*) FROM variants WHERE sku = 'RT-MUG'")) == 1


def test_db_roles_prints_the_grants_without_running_them(runtime: RuntimeStore) -> None:
    with psycopg.connect(runtime.conninfo) as connection:
        printed = [
            s.as_string(connection)
            for s in runtime_role_statements("merchant_app", database="merchant", owner="owner")
        ]
    assert any("REVOKE UPDATE, DELETE ON" in s and '"stock_movements"' in s for s in printed)
    assert not any("TRUNCATE" in s or "TRIGGER" in s for s in printed)


def test_only_the_runtime_role_connects_without_a_warning(runtime: RuntimeStore) -> None:
    with runtime.store.engine.connect() as connection:
        assert privilege_warning(connection) is None
    owner = make_engine(runtime.owner_url, pool_size=1)
    try:
        with owner.connect() as connection:
            superuser = connection.scalar(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            )
            warning = privilege_warning(connection)
    finally:
        owner.dispose()
    # the suite's role is a superuser on the embedded server, the owner on make test-server
    who = "a superuser" if superuser else "the owner of the tables"
    assert warning == (
        f"Connected as {who}: this workstation could rewrite the stock ledger and the audit "
        "log. Connect as the runtime role (merchant-office db roles)."
    )


def test_db_roles_creates_the_runtime_role_from_the_command_line(
    pg_server: Server, committed_store, monkeypatch
) -> None:
    from click.testing import CliRunner

    from app.cli import cli as main

    role = f"mo_cli_{uuid.uuid4().hex[:8]}"
    url = committed_store.engine.url
    monkeypatch.setenv("MERCHANT_DATABASE_URL", url.render_as_string(hide_password=False))
    try:
        printed = CliRunner().invoke(main, ["db", "roles", role, "--print"])
        assert printed.exit_code == 0, printed.output
        assert 'REVOKE UPDATE, DELETE ON "audit_log"' in printed.output
        done = CliRunner().invoke(
            main, ["db", "roles", role], env={"MERCHANT_RUNTIME_PASSWORD": "pw"}
        )
        assert done.exit_code == 0, done.output
        said = f"The runtime role {role} can use {url.database}; it owns nothing.\n"
        assert done.output == said
        with committed_store.engine.connect() as connection:
            grants = connection.scalar(
                text(
                    "SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM "
                    "information_schema.role_table_grants WHERE grantee = :r "
                    "AND table_name = 'stock_movements'"
                ),
                {"r": role},
            )
        assert grants == "INSERT,SELECT"
    finally:
        pg_server.drop_database(url.database)
        pg_server.run(f'DROP ROLE IF EXISTS "{role}"')
