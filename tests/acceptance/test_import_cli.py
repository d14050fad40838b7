"""``merchant-office import products`` and ``export products`` from a shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from app.cli import cli as main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def cli_store(committed_store, monkeypatch):
    url = committed_store.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("MERCHANT_DATABASE_URL", url)
    return committed_store


@pytest.mark.committed
def test_a_dry_run_lists_each_row_and_changes_nothing(cli_store) -> None:
    result = CliRunner().invoke(
        main,
        ["import", "products", str(FIXTURES / "shopify/product_template_2025.csv"), "--dry-run"],
    )
    assert result.exit_code == 0, result.output
    assert "Shopify product CSV (2025 headers)" in result.output
    assert "Products: 2 new, 0 changed, 0 unchanged." in result.output
    assert "line    14  create" in result.output
    with cli_store.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM products")).scalar() == 0


@pytest.mark.committed
def test_import_then_export_from_the_shell(cli_store, tmp_path: Path) -> None:
    runner = CliRunner()
    source = FIXTURES / "shopify/product_template_2023.csv"
    imported = runner.invoke(main, ["import", "products", str(source)])
    assert imported.exit_code == 0, imported.output
    assert "Imported product_template_2023.csv." in imported.output
    target = tmp_path / "catalog.csv"
    exported = runner.invoke(main, ["export", "products", str(target)])
    assert exported.exit_code == 0, exported.output
    assert "Exported 3 products, 16 variants." in exported.output
    again = runner.invoke(main, ["import", "products", str(target), "--dry-run"])
    assert "Products: 0 new, 0 changed, 3 unchanged." in again.output


@pytest.mark.committed
def test_a_rejected_row_is_a_clear_message_and_a_failing_exit(cli_store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Handle,Title,Variant SKU,Variant Price\nmug,Mug,MUG-1,abc\n")
    result = CliRunner().invoke(main, ["import", "products", str(bad)])
    assert result.exit_code == 1
    assert "Nothing was imported: 1 row needs a decision or a fix" in result.output
    assert "Traceback" not in result.output
    decided = CliRunner().invoke(
        main, ["import", "products", str(bad), "--decide", "bad-value@2=skip"]
    )
    # applied, with a row left out: exit code 3, documented in --help
    assert decided.exit_code == 3, decided.output
    assert "1 row was skipped as decided." in decided.output
    helped = " ".join(CliRunner().invoke(main, ["--help"]).output.split())
    assert "3 an import applied but left some rows out" in helped
