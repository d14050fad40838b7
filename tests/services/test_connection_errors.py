"""A store that cannot be reached is said in one sentence naming what to check, in the CLI and
in the app's sign-in window (which offers to try again); never a traceback."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from app.bootstrap import open_store
from app.cli import cli as main
from app.connection_errors import StoreUnreachable
from app.settings import Settings
from tests.conftest import Server


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _settings(url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=url, data_dir=tmp_path)


@pytest.fixture
def role_without_createdb(pg_server: Server) -> Iterator[tuple[str, str]]:
    """A role of its own (roles are cluster-wide), which may not create databases."""
    role, password = f"mo_nodb_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    pg_server.run(f"CREATE ROLE \"{role}\" LOGIN NOCREATEDB PASSWORD '{password}'")
    yield role, password
    pg_server.run(f'DROP ROLE IF EXISTS "{role}"')


def test_a_server_that_is_down_names_the_host_and_port(tmp_path) -> None:
    port = _closed_port()
    url = f"postgresql+psycopg://merchant:secret@127.0.0.1:{port}/merchant"
    with pytest.raises(StoreUnreachable) as refused:
        open_store(_settings(url, tmp_path), migrate=False)
    assert str(refused.value) == (
        f"No PostgreSQL server answers at 127.0.0.1:{port}: check that the server is running "
        "and the host and port in MERCHANT_DATABASE_URL."
    )


def test_an_unknown_database_the_role_may_not_create_is_named(
    pg_server: Server, role_without_createdb, tmp_path
) -> None:
    role, password = role_without_createdb
    url = make_url(pg_server.url("mo_no_such_store")).set(username=role, password=password)
    with pytest.raises(StoreUnreachable) as refused:
        open_store(_settings(url.render_as_string(hide_password=False), tmp_path))
    assert str(refused.value) == (
        f"There is no database mo_no_such_store on the server and {role} may not create it: "
        "check the database name in MERCHANT_DATABASE_URL, or create it as its owner."
    )


def test_a_wrong_password_is_said_as_such(
    pg_server: Server, role_without_createdb, tmp_path
) -> None:
    role, _ = role_without_createdb
    url = make_url(pg_server.url("postgres")).set(username=role, password="not-the-password")
    try:
        psycopg.connect(
            url.set(drivername="postgresql").render_as_string(hide_password=False)
        ).close()
    except psycopg.OperationalError:
        pass
    else:
        pytest.skip("this server trusts local connections (the embedded one); see make test-server")
    with pytest.raises(StoreUnreachable) as refused:
        open_store(_settings(url.render_as_string(hide_password=False), tmp_path), migrate=False)
    assert str(refused.value) == (
        f"The server refused the password of {role}: check the user name and password in "
        "MERCHANT_DATABASE_URL."
    )


def test_the_cli_says_it_in_one_line_with_no_traceback(monkeypatch) -> None:
    port = _closed_port()
    monkeypatch.setenv("MERCHANT_DATABASE_URL", f"postgresql+psycopg://m:s@127.0.0.1:{port}/m")
    result = CliRunner().invoke(main, ["db", "url"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: No PostgreSQL server answers at 127.0.0.1:{port}: check that the server is "
        "running and the host and port in MERCHANT_DATABASE_URL.\n"
    )
    assert "Traceback" not in result.output
