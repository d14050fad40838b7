"""The app and its embedded server, as processes: a SIGTERM ends the app as Quit does and the
server stops with it; an app killed outright leaves the server running, and the next start
joins it and still stops it when it ends; a server that died with the machine leaves a
``postmaster.pid`` naming a process id another program now has, and the next start copes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

OPENED = "The store is open"


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MERCHANT_DATA_DIR": str(data_dir)}
    env.pop("MERCHANT_DATABASE_URL", None)
    return env


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    """A data directory with a small store in it; the CLI that made it stopped its server."""
    # short: the server's socket lives in its data directory (a 108-byte limit)
    base = Path(tempfile.mkdtemp(prefix="mo-life-"))
    subprocess.run(
        [sys.executable, "-m", "app", "demo", "--scale", "100"],
        env=_env(base),
        check=True,
        capture_output=True,
        timeout=240,
    )
    assert _server(base) is None
    yield base
    server = _server(base)
    if server is not None:  # a failed test must not leave a server behind
        server.terminate()


def _server(data_dir: Path) -> psutil.Process | None:
    """The embedded server's postmaster, while it runs."""
    pid_file = data_dir / "pgdata" / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
        process = psutil.Process(pid)
    except (FileNotFoundError, ValueError, psutil.NoSuchProcess):
        return None
    return process if process.name() == "postgres" else None


def _opened(data_dir: Path) -> int:
    log = data_dir / "logs" / "merchant-office.log"
    return log.read_text(encoding="utf-8").count(OPENED) if log.exists() else 0


@pytest.fixture
def start_app(data_dir) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Starts the app; whatever a failed test left running is killed afterwards."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        return _start_app(data_dir, started)

    yield start
    for app in started:
        if app.poll() is None:
            app.kill()
        app.wait(30)


def _start_app(data_dir: Path, started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """Start the app (``python -m app``, what ``merchant-office`` runs) and wait until the
    store is open behind its sign-in dialog."""
    before = _opened(data_dir)
    output = data_dir / "app-output.txt"
    with output.open("wb") as sink:
        app = subprocess.Popen(
            [sys.executable, "-m", "app"], env=_env(data_dir), stdout=sink, stderr=sink
        )
    started.append(app)
    deadline = time.monotonic() + 120
    while _opened(data_dir) == before:
        if app.poll() is not None:
            pytest.fail(f"the app ended ({app.returncode}): {output.read_text()[-2000:]}")
        assert time.monotonic() < deadline, "the store did not open"
        time.sleep(0.2)
    return app


def _stopped(process: psutil.Process, seconds: float = 30) -> bool:
    try:
        process.wait(seconds)
    except psutil.TimeoutExpired:
        return False
    return True


def test_sigterm_ends_the_app_and_stops_its_server(data_dir, start_app) -> None:
    app = start_app()
    server = _server(data_dir)
    assert server is not None
    app.send_signal(signal.SIGTERM)
    assert app.wait(60) == 0
    assert _stopped(server)
    assert not (data_dir / "pgdata" / "postmaster.pid").exists()


def test_a_start_after_a_killed_app_joins_its_server_and_still_stops_it(
    data_dir, start_app
) -> None:
    killed = start_app()
    server = _server(data_dir)
    assert server is not None
    killed.kill()
    killed.wait(30)
    assert server.is_running()  # nothing was left to stop it

    app = start_app()
    assert _server(data_dir) == server  # joined, not started again
    app.send_signal(signal.SIGTERM)
    assert app.wait(60) == 0
    assert _stopped(server)


def test_a_start_copes_with_a_server_that_died_leaving_its_pid_file(data_dir, start_app) -> None:
    killed = start_app()
    server = _server(data_dir)
    assert server is not None
    pid_file = data_dir / "pgdata" / "postmaster.pid"
    lines = pid_file.read_text().split("\n")
    killed.kill()
    killed.wait(30)
    server.kill()
    assert _stopped(server)
    # as after a power cut: the file is still there, its process id now another program's
    pid_file.write_text("\n".join([str(os.getpid()), *lines[1:]]))

    app = start_app()
    restarted = _server(data_dir)
    assert restarted is not None and restarted.pid != server.pid
    app.send_signal(signal.SIGTERM)
    assert app.wait(60) == 0
    assert _stopped(restarted)
