"""``merchant-office inventory ...`` from a shell, on a store that really commits."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from app.cli import cli as main
from tests import factories


@pytest.fixture
def cli(committed_store, monkeypatch):
    url = committed_store.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("MERCHANT_DATABASE_URL", url)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


@pytest.mark.committed
def test_adjust_export_import_ledger_and_verify_from_the_shell(
    cli, committed_store, tmp_path
) -> None:
    factories.product(committed_store, skus=("CLI-1",))
    added = cli("inventory", "add-location", "main", "Main store", "--default", "--bin", "A-1")
    assert added.exit_code == 0, added.output
    adjusted = cli("inventory", "adjust", "CLI-1", "--by", "7", "--reason", "received")
    assert adjusted.exit_code == 0, adjusted.output
    assert "on hand 0 -> 7, available 7" in adjusted.output
    file = tmp_path / "inventory.csv"
    exported = cli("inventory", "export", str(file), "--location", "MAIN")
    assert exported.exit_code == 0 and "Wrote 1 row " in exported.output
    with file.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    rows[0]["On hand (new)"] = "9"
    with file.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    dry = cli("inventory", "import", str(file), "--dry-run")
    assert "1 would change" in dry.output, dry.output
    imported = cli("inventory", "import", str(file))
    assert "1 changed" in imported.output, imported.output
    again = cli("inventory", "import", str(file))  # on hand is 9 now, not the exported 7
    assert "was 7 when exported and is 9 now" in again.output
    ledger = cli("inventory", "ledger", "--sku", "CLI-1")
    assert ledger.exit_code == 0
    assert "Import" in ledger.output and "Received" in ledger.output
    verified = cli("inventory", "verify")
    assert verified.exit_code == 0 and "Stock adds up" in verified.output


@pytest.mark.committed
def test_verify_fails_loudly_when_a_figure_was_changed_behind_the_ledger(
    cli, committed_store
) -> None:
    [variant] = factories.product(committed_store, skus=("CLI-2",))
    cli("inventory", "add-location", "wh", "Warehouse", "--default")
    cli("inventory", "adjust", "CLI-2", "--set", "4", "--reason", "count")
    with committed_store.session_factory.begin() as session:
        session.execute(
            text("UPDATE inventory_levels SET on_hand = 40 WHERE variant_id = :v"),
            {"v": variant},
        )
    result = cli("inventory", "verify")
    assert result.exit_code == 1
    assert "on hand is 40 but the ledger sums to 4" in result.output
    assert "1 figure do not add up." in result.output


def test_every_inventory_command_has_help() -> None:
    runner = CliRunner()
    for command in (
        [],
        ["verify"],
        ["adjust"],
        ["import"],
        ["export"],
        ["ledger"],
        ["low-stock"],
        ["locations"],
        ["add-location"],
    ):
        result = runner.invoke(main, ["inventory", *command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage:" in result.output
