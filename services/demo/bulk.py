"""Loading like pg_restore: constraints and indexes checked once, at the end, not per row.

A foreign key checked row by row costs a locking lookup per row and per key, two thirds of
what a COPY into ``stock_movements`` costs; an index maintained row by row costs more than one
built once. So, inside the seeding transaction, the loaded tables' foreign keys and plain
indexes are dropped, the rows go in, and the same keys and indexes are created again from
their own definitions. Adding a foreign key validates every row against its parent, building
a unique index checks every value, and all of it happens before the commit: a store where a
key or a uniqueness rule fails is never committed. CHECK constraints, primary keys, unique
constraints and every trigger stay in place throughout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Deferred:
    """The definitions taken down for the load, to put back afterwards."""

    foreign_keys: list[tuple[str, str, str]]
    indexes: list[tuple[str, str]]


def take_down(connection: Connection, tables: Iterable[str]) -> Deferred:
    """Drop the foreign keys and the plain (constraint-less) indexes of ``tables``."""
    names = list(tables)
    foreign_keys = [
        (r.table, r.name, r.definition)
        for r in connection.execute(
            text(
                "SELECT c.conrelid::regclass::text AS table, c.conname AS name, "
                "pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.conrelid = ANY(CAST(:t AS regclass[])) "
                "ORDER BY 1, 2"
            ),
            {"t": names},
        )
    ]
    # Indexes that back a constraint (primary keys, UNIQUE constraints) stay: foreign keys
    # need them, and they are what keeps ids unique while loading.
    indexes = [
        (r.name, r.definition)
        for r in connection.execute(
            text(
                "SELECT i.indexrelid::regclass::text AS name, "
                "pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i "
                "WHERE i.indrelid = ANY(CAST(:t AS regclass[])) AND NOT EXISTS ("
                "  SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid"
                "   AND c.contype IN ('p', 'u', 'x')) ORDER BY 1"
            ),
            {"t": names},
        )
    ]
    for table, name, _ in foreign_keys:
        connection.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        connection.execute(text(f"DROP INDEX {name}"))
    return Deferred(foreign_keys, indexes)


def put_back(connection: Connection, deferred: Deferred) -> None:
    """Create the indexes again and re-add (and so validate) every foreign key.

    Raises the database's IntegrityError if any row breaks a key or a unique index.
    """
    # More memory for sorting makes index builds and key validation cheaper; only this
    # transaction is affected.
    connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    connection.execute(text("SET LOCAL work_mem = '256MB'"))
    for _, definition in deferred.indexes:
        connection.execute(text(definition))
    for table, name, definition in deferred.foreign_keys:
        connection.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
