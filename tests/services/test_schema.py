"""The schema: migrations, append-only tables, CHECK constraints."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

import models
from app.database import alembic_config, is_up_to_date, make_engine, migration_heads, upgrade
from models.base import append_only_tables
from models.migrations import include_object
from tests.conftest import Server


def test_migrations_apply_to_an_empty_database_and_are_idempotent(pg_server: Server) -> None:
    name = "mo_empty_migrations"
    pg_server.drop_database(name)
    engine = make_engine(pg_server.create_database(name), pool_size=1)
    try:
        upgrade(engine)
        assert is_up_to_date(engine)
        upgrade(engine)  # a second workstation starting: nothing to do, nothing fails
        assert is_up_to_date(engine)
    finally:
        engine.dispose()
        pg_server.drop_database(name)


def test_the_heads_read_at_start_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert migration_heads() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_models_match_the_migrations(engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_object": include_object,
                "compare_type": True,
                "compare_server_default": True,
            },
        )
        assert compare_metadata(context, models.Base.metadata) == []


def test_two_workstations_migrating_at_once_both_succeed(pg_server: Server) -> None:
    import threading

    name = "mo_race_migrations"
    pg_server.drop_database(name)
    url = pg_server.create_database(name)
    engines = [make_engine(url, pool_size=1) for _ in range(2)]
    errors: list[BaseException] = []

    def migrate(engine) -> None:
        try:
            upgrade(engine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=migrate, args=(e,)) for e in engines]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert is_up_to_date(engines[0])
    finally:
        for e in engines:
            e.dispose()
        pg_server.drop_database(name)


@pytest.mark.parametrize("table", append_only_tables())
def test_append_only_tables_refuse_update_delete_and_truncate_even_in_raw_sql(
    store, staff, table: str
) -> None:
    seed = {
        "audit_log": "INSERT INTO audit_log (action, entity_type) VALUES ('x', 'y')",
        "stock_movements": (
            "WITH p AS (INSERT INTO products (handle, title) VALUES ('h', 'H') RETURNING id),"
            " v AS (INSERT INTO variants (product_id, price) SELECT id, 100 FROM p RETURNING id),"
            " l AS (INSERT INTO locations (code, name) VALUES ('L', 'L') RETURNING id),"
            " level AS (INSERT INTO inventory_levels (variant_id, location_id, on_hand)"
            " SELECT v.id, l.id, 1 FROM v, l RETURNING variant_id, location_id)"
            " INSERT INTO stock_movements (variant_id, location_id, on_hand_delta, reason)"
            " SELECT variant_id, location_id, 1, 'correction' FROM level"
        ),
        "order_history": (
            "WITH o AS (INSERT INTO orders (currency) VALUES ('USD') RETURNING id)"
            " INSERT INTO order_history (order_id, kind) SELECT id, 'note' FROM o"
        ),
        "payment_transactions": (
            "WITH o AS (INSERT INTO orders (currency) VALUES ('USD') RETURNING id),"
            " p AS (INSERT INTO payments (order_id, gateway, currency, authorized_amount)"
            " SELECT id, 'stripe', 'USD', 100 FROM o RETURNING id)"
            " INSERT INTO payment_transactions (payment_id, kind, amount, succeeded)"
            " SELECT id, 'authorize', 100, true FROM p"
        ),
    }[table]
    with store.session_factory() as session:
        session.execute(text(seed))
        # the ledger's reference to its level is checked at commit; TRUNCATE wants none pending
        session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
        for statement in (
            f"UPDATE {table} SET id = id",
            f"DELETE FROM {table}",
            f"TRUNCATE {table} CASCADE",
        ):
            savepoint = session.begin_nested()
            with pytest.raises(DBAPIError, match="append-only"):
                session.execute(text(statement))
            savepoint.rollback()
        assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1


def test_stock_figures_cannot_go_negative_for_a_deny_policy_variant(store) -> None:
    with store.session_factory() as session:
        session.execute(
            text(
                "WITH p AS (INSERT INTO products (handle, title) VALUES ('h', 'H') RETURNING id)"
                " INSERT INTO variants (product_id, price, inventory_policy)"
                " SELECT id, 100, 'deny' FROM p"
            )
        )
        session.execute(text("INSERT INTO locations (code, name) VALUES ('L', 'L')"))
        session.execute(
            text(
                "INSERT INTO inventory_levels (variant_id, location_id, on_hand)"
                " SELECT v.id, l.id, 2 FROM variants v, locations l"
            )
        )
        with pytest.raises(IntegrityError, match="available_not_negative"):
            session.execute(text("UPDATE inventory_levels SET committed = 3"))


def test_stock_may_go_negative_when_the_variant_allows_backorders(store) -> None:
    with store.session_factory() as session:
        session.execute(
            text(
                "WITH p AS (INSERT INTO products (handle, title) VALUES ('h', 'H') RETURNING id)"
                " INSERT INTO variants (product_id, price, inventory_policy)"
                " SELECT id, 100, 'deny' FROM p"
            )
        )
        session.execute(text("INSERT INTO locations (code, name) VALUES ('L', 'L')"))
        session.execute(
            text(
                "INSERT INTO inventory_levels (variant_id, location_id) "
                "SELECT v.id, l.id FROM variants v, locations l"
            )
        )
        session.execute(text("UPDATE variants SET inventory_policy = 'continue'"))
        session.execute(text("UPDATE inventory_levels SET committed = 3"))
        assert session.execute(text("SELECT available FROM inventory_levels")).scalar_one() == -3
