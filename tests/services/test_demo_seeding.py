"""Seeding the demo: deterministic, all or nothing, only into an empty store, once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from app.database import upgrade
from models.status import FulfillmentStatus, OrderStatus, PaymentStatus
from services.demo import (
    StoreNotEmpty,
    erase_store,
    product_count,
    seed_demo,
    seed_if_empty,
)
from services.demo.tables import TABLES
from services.demo.world import World
from services.inventory.ledger import verify_ledger
from tests import factories
from tests.services.demo_support import END, fresh_store, rows, scalar

pytestmark = pytest.mark.committed

SMALL = 300


def _digest(store) -> dict[str, str]:
    """A fingerprint of every row the demo writes, table by table."""
    return {
        t.name: scalar(
            store,
            f"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
            f"FROM {t.name} t",
        )
        for t in TABLES
    }


@pytest.fixture(scope="module")
def small(pg_server, template_database):
    """A small demo store (scale 300) and its fingerprint."""
    with fresh_store(pg_server, template_database) as store:
        seed_demo(store, scale=SMALL, end=END)
        yield store, _digest(store)


def test_the_same_seed_gives_the_same_store(small, pg_server, template_database) -> None:
    _, first = small
    with fresh_store(pg_server, template_database) as again:
        seed_demo(again, scale=SMALL, end=END)
        assert _digest(again) == first


def test_another_seed_gives_another_store(small, pg_server, template_database) -> None:
    _, first = small
    with fresh_store(pg_server, template_database) as other:
        seed_demo(other, scale=SMALL, seed=7, end=END)
        second = _digest(other)
    assert second["variants"] != first["variants"]
    assert second["orders"] != first["orders"]


def test_a_small_scale_keeps_every_state_and_invariant(small) -> None:
    store, _ = small
    variants = scalar(store, "SELECT count(*) FROM variants")
    lines = scalar(store, "SELECT count(*) FROM order_lines")
    assert SMALL <= variants < SMALL * 1.2
    assert SMALL * 0.7 < lines < SMALL * 1.5
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
    assert {r[0] for r in rows(store, "SELECT DISTINCT status FROM orders")} == set(OrderStatus)
    assert {r[0] for r in rows(store, "SELECT DISTINCT payment_status FROM orders")} == set(
        PaymentStatus
    )
    assert {r[0] for r in rows(store, "SELECT DISTINCT fulfillment_status FROM orders")} == set(
        FulfillmentStatus
    )


def test_seeding_refuses_a_store_that_has_products(store) -> None:
    factories.product(store)
    with pytest.raises(StoreNotEmpty, match="already has 1 product;"):
        seed_demo(store, scale=SMALL)
    assert scalar(store, "SELECT name FROM store") == "Test Store"
    assert scalar(store, "SELECT count(*) FROM staff WHERE email LIKE '%@demo.shop'") == 0


def test_seed_if_empty_leaves_a_store_with_products_alone(store) -> None:
    factories.product(store)
    assert seed_if_empty(store, scale=SMALL) is None
    assert product_count(store) == 1


def test_a_failed_seeding_leaves_nothing_behind(pg_server, template_database, monkeypatch) -> None:
    def broken(self: World) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(World, "write_levels", broken)
    with fresh_store(pg_server, template_database) as store:
        with pytest.raises(RuntimeError, match="disk is full"):
            seed_demo(store, scale=SMALL)
        assert product_count(store) == 0
        assert scalar(store, "SELECT count(*) FROM stock_movements") == 0
        assert scalar(store, "SELECT name FROM store") == "Test Store"
        # the foreign keys and indexes taken down for the load are all still there
        keys = scalar(store, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
        indexes = scalar(store, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")
    with fresh_store(pg_server, template_database) as pristine:
        assert keys == scalar(pristine, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
        assert indexes == scalar(
            pristine, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'"
        )


def test_the_loaded_store_has_every_foreign_key_and_index_back(
    small, pg_server, template_database
) -> None:
    store, _ = small
    definitions = (
        "SELECT conname || pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace UNION ALL "
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
    )
    with fresh_store(pg_server, template_database) as pristine:
        assert rows(store, definitions) == rows(pristine, definitions)


def test_two_first_starts_at_once_seed_the_store_once(pg_server, template_database) -> None:
    with fresh_store(pg_server, template_database) as store:
        results: list[object] = []

        def start() -> None:
            results.append(seed_if_empty(store, scale=SMALL, end=END))

        threads = [threading.Thread(target=start) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(r is None for r in results) == [False, True]
        assert scalar(store, "SELECT count(*) FROM staff WHERE email = 'admin@demo.shop'") == 1
        seeded = next(r for r in results if r is not None)
        assert product_count(store) == seeded.counts["products"]  # type: ignore[attr-defined]


def test_an_erased_store_migrates_empty_and_takes_the_demo_again(
    pg_server, template_database
) -> None:
    with fresh_store(pg_server, template_database) as store:
        seed_demo(store, scale=SMALL, end=END)
        erase_store(store)
        store.engine.dispose()
        upgrade(store.engine)
        assert product_count(store) == 0
        assert scalar(store, "SELECT count(*) FROM staff") == 0
        assert scalar(store, "SELECT count(*) FROM roles") == 4
        summary = seed_demo(store, scale=SMALL, end=END)
        assert summary.counts["products"] == product_count(store)
        # the ledger is append-only again after the re-migration
        with store.session_factory() as session, pytest.raises(Exception, match="append-only"):
            session.execute(text("DELETE FROM stock_movements"))
