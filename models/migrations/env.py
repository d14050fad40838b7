"""Alembic environment: runs on the connection the app hands over (``app.database.upgrade``),
or on ``sqlalchemy.url`` when run by the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

import models
from models.migrations import include_object

target_metadata = models.Base.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        url = context.config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("alembic: give sqlalchemy.url, or a connection in the config")
        engine = create_engine(url)
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        compare_type=True,
        compare_server_default=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
