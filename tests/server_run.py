"""``make test-server``: the whole suite on a shared PostgreSQL server, as a role that is not a
superuser (LOGIN, CREATEDB, CREATEROLE: the suite creates its own databases and runtime roles).

With ``MERCHANT_DATABASE_URL`` set, the suite runs against that server. Otherwise a throwaway
cluster of Debian's PostgreSQL (``postgresql`` package, installed with apt-get when run as
root) is started on a free local port with password authentication, the role is created
there, and the cluster is removed afterwards. Arguments are passed on to pytest.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROLE = "merchant_test"


def main(pytest_args: list[str]) -> int:
    if os.environ.get("MERCHANT_DATABASE_URL"):
        return _pytest(pytest_args, os.environ["MERCHANT_DATABASE_URL"])
    bin_dir = _debian_postgresql()
    if bin_dir is None:
        print(
            "make test-server skipped: Debian's PostgreSQL is not installed and cannot be "
            "installed here (needs root and apt-get). Install it (apt-get install postgresql) "
            "or set MERCHANT_DATABASE_URL to a server where a role may create databases.",
            file=sys.stderr,
        )
        return 0
    with _throwaway_cluster(bin_dir) as url:
        return _pytest(pytest_args, url)


def _pytest(pytest_args: list[str], url: str) -> int:
    env = {**os.environ, "MERCHANT_DATABASE_URL": url, "QT_QPA_PLATFORM": "offscreen"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        *(pytest_args or ["-n", "2", "--dist", "loadgroup", "-q"]),
    ]
    return subprocess.call(command, env=env)


def _debian_postgresql() -> Path | None:
    def newest() -> Path | None:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version)
        return versions[-1].parent if versions else None

    if newest() is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
            check=True,
            env=env,
        )
    return newest()


def _version(initdb: Path) -> int:
    return int(initdb.parent.parent.name)


@contextmanager
def _throwaway_cluster(bin_dir: Path) -> Iterator[str]:
    """A cluster in a temporary directory, owned by ``postgres`` when run as root (the server
    refuses to run as root)."""
    base = Path(tempfile.mkdtemp(prefix="mo-pgserver-"))
    as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_server:
        shutil.chown(base, "postgres")
    data, password, port = base / "data", secrets.token_hex(12), _free_port()
    superuser_password = base / "pw"
    superuser_password.write_text(secrets.token_hex(12))
    if as_server:
        shutil.chown(superuser_password, "postgres")
    run = lambda *args: subprocess.run([*as_server, *args], check=True)  # noqa: E731
    run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "-A",
        "scram-sha-256",
        f"--pwfile={superuser_password}",
        "--no-sync",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(base / "log"),
        "-w",
        "start",
    )
    try:
        import psycopg

        admin = {"host": "127.0.0.1", "port": port, "user": "postgres", "dbname": "postgres"}
        secret = superuser_password.read_text()
        with psycopg.connect(**admin, password=secret, autocommit=True) as connection:
            connection.execute(
                f"CREATE ROLE {ROLE} LOGIN CREATEDB CREATEROLE PASSWORD '{password}'"
            )
            version = connection.execute("SHOW server_version").fetchone()[0]
        print(f"PostgreSQL {version} on port {port}, as {ROLE} (not a superuser)", flush=True)
        yield f"postgresql+psycopg://{ROLE}:{password}@127.0.0.1:{port}/postgres"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
