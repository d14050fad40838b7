"""``merchant-office demo`` from a shell: polite refusals, a confirmed reset, a summary."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from app.cli import cli as main
from services.demo import product_count
from tests import factories
from tests.services.demo_support import fresh_store, scalar

pytestmark = pytest.mark.committed


@pytest.fixture
def shop(pg_server, template_database):
    """A store with products in it, and the environment that points the CLI at it."""
    with fresh_store(pg_server, template_database) as store:
        factories.product(store, skus=("A", "B"))
        factories.product(store)
        url = store.engine.url.render_as_string(hide_password=False)
        yield store, {"MERCHANT_DATABASE_URL": url}


def test_demo_refuses_politely_when_the_store_has_products(shop) -> None:
    store, env = shop
    result = CliRunner().invoke(main, ["demo"], env=env)
    assert result.exit_code == 1
    assert "already has 2 products" in result.output
    assert "merchant-office demo --reset" in result.output
    assert "Traceback" not in result.output
    assert product_count(store) == 2


def test_demo_reset_asks_first_and_changes_nothing_when_told_no(shop) -> None:
    store, env = shop
    result = CliRunner().invoke(main, ["demo", "--reset"], env=env, input="n\n")
    assert result.exit_code == 1
    assert "(2 products, 0 orders, 0 customers, 4 staff accounts)" in result.output
    assert "Aborted" in result.output
    assert product_count(store) == 2


def test_demo_reset_with_yes_replaces_the_store_and_says_how_to_sign_in(shop) -> None:
    store, env = shop
    result = CliRunner().invoke(main, ["demo", "--reset", "--yes", "--scale", "120"], env=env)
    assert result.exit_code == 0, result.output
    assert "The demo store is ready." in result.output
    assert "admin@demo.shop" in result.output and "'juniper-demo'" in result.output
    assert "rows in" in result.output and "orders with" in result.output
    store.engine.dispose()
    assert 120 <= scalar(store, "SELECT count(*) FROM variants") < 200
    # erased means erased: the template's own staff are gone, the demo's are there
    assert scalar(store, "SELECT count(*) FROM staff WHERE email LIKE '%@example.com'") == 0
    assert scalar(store, "SELECT count(*) FROM staff WHERE email LIKE '%@demo.shop'") == 4


def test_demo_rejects_a_scale_too_small_to_show_every_state(shop) -> None:
    _, env = shop
    result = CliRunner().invoke(main, ["demo", "--scale", "10"], env=env)
    assert result.exit_code == 2
    assert "10 is not in the range x>=100" in result.output
