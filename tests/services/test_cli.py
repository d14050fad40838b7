"""The command line: the store's schema and staff from a shell."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from app.cli import cli as main


@pytest.fixture
def cli(committed_store, monkeypatch):
    url = committed_store.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("MERCHANT_DATABASE_URL", url)
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(main, list(args), input=input)


@pytest.mark.committed
def test_db_upgrade_says_the_store_is_up_to_date(cli) -> None:
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


@pytest.mark.committed
def test_staff_add_list_and_passwd(cli) -> None:
    added = cli(
        "staff",
        "add",
        "Pat@Example.com",
        "--name",
        "Pat Doe",
        "--role",
        "warehouse",
        "--password",
        "long enough pw",
    )
    assert added.exit_code == 0, added.output
    assert "Added Pat Doe <pat@example.com> as Warehouse." in added.output
    listed = cli("staff", "list")
    assert "pat@example.com" in listed.output and "Warehouse" in listed.output
    changed = cli("staff", "passwd", "pat@example.com", "--password", "another long one")
    assert changed.exit_code == 0 and "Password changed" in changed.output


@pytest.mark.committed
def test_a_domain_error_is_one_clear_line_not_a_stack_trace(cli) -> None:
    result = cli(
        "staff",
        "add",
        "admin@example.com",
        "--name",
        "Again",
        "--role",
        "admin",
        "--password",
        "long enough pw",
    )
    assert result.exit_code == 1
    assert "admin@example.com already has an account." in result.output
    assert "Traceback" not in result.output


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for args in ([], ["db"], ["staff"], ["staff", "add"], ["demo"]):
        result = runner.invoke(main, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Usage:" in result.output
