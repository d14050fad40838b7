"""``merchant-office inventory ...`` from a shell, on a store that really commits."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from app.cli import cli as main
from tests import factories
from tests.inventory_files import MAIN, POP_UP, SHOP, a_shop, file_2023, file_location_columns
from tests.inventory_helpers import figures


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
    again = cli("inventory", "import", str(file))  # applied already: on hand is 9
    assert "0 changed; 1 unchanged" in again.output and again.exit_code == 0
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


@pytest.mark.committed
def test_a_file_naming_a_location_the_store_lacks_is_mapped_from_the_shell(
    cli, committed_store, committed_staff, tmp_path
) -> None:
    shop = a_shop(committed_store, committed_staff)
    file = tmp_path / "inventory_2023.csv"
    file.write_text(file_2023([("tee-l", POP_UP, "9", "9"), ("mug", MAIN, "3", "3")]))
    dry = cli("inventory", "import", str(file), "--dry-run")
    assert dry.exit_code == 3, dry.output  # rows would be left out
    assert "of 2023, one row per item and location" in dry.output
    assert "On hand”, which wins over its “Available”" in dry.output
    assert f"problem line 2 (TEE-L at {POP_UP}): the store has no location" in dry.output
    assert f'The store has no location {POP_UP!r}: add --location-map "{POP_UP}=CODE"' in dry.output
    assert "1 would change" in dry.output
    mapped = cli("inventory", "import", str(file), "--location-map", f"{POP_UP}=shop")
    assert mapped.exit_code == 0, mapped.output
    assert "2 changed" in mapped.output
    assert figures(committed_store, shop.tee_large, shop.shop)["on_hand"] == 9
    again = cli("inventory", "import", str(file), "--location-map", f"{POP_UP}=SHOP")
    assert again.exit_code == 0 and "0 changed; 2 unchanged" in again.output
    bad = cli("inventory", "import", str(file), "--location-map", POP_UP)
    assert bad.exit_code == 2 and "Name in the file=CODE" in bad.output


@pytest.mark.committed
def test_the_older_layout_creates_a_location_and_exits_3_for_rows_left_out(
    cli, committed_store, committed_staff, tmp_path
) -> None:
    shop = a_shop(committed_store, committed_staff)
    file = tmp_path / "inventory_old.csv"
    file.write_text(file_location_columns([SHOP, POP_UP], {"tee-s": ["4", "6"], "mug": ["x", ""]}))
    imported = cli("inventory", "import", str(file), "--create-location", POP_UP)
    assert imported.exit_code == 3, imported.output
    assert "one column per location" in imported.output
    assert "note line 2 (TEE-S at Shop): available 4 in the file; on hand set to 5" in (
        imported.output
    )
    assert "problem line 3 (SHARED at Shop): must be a whole number" in imported.output
    assert "locations created: Pop-up store (POP-UP-STORE)" in imported.output
    assert figures(committed_store, shop.tee_small, shop.shop)["on_hand"] == 5
    listed = cli("inventory", "locations")
    assert "POP-UP-STORE" in listed.output and POP_UP in listed.output


@pytest.mark.committed
def test_a_location_is_renamed_from_the_shell(cli, committed_store, committed_staff) -> None:
    a_shop(committed_store, committed_staff)
    renamed = cli("inventory", "rename-location", "shop", "Shop floor")
    assert renamed.exit_code == 0, renamed.output
    assert "SHOP is now called Shop floor (it was Shop)." in renamed.output
    taken = cli("inventory", "rename-location", "SHOP", MAIN)
    assert taken.exit_code == 1 and "MAIN is already called" in taken.output
    with committed_store.session_factory() as session:
        audited = session.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'inventory.location.rename'")
        ).scalar()
    assert audited == 1


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
        ["rename-location"],
    ):
        result = runner.invoke(main, ["inventory", *command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage:" in result.output
