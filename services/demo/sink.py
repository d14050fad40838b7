"""Bulk writing: rows buffered per table and streamed to PostgreSQL with binary COPY.

The generator appends plain tuples; the sink ships them in batches through ``COPY ... FROM
STDIN (FORMAT BINARY)`` on a writer thread, so Python keeps generating while the server
ingests. Binary COPY needs each column's exact type; it is read from the SQLAlchemy models,
so the sink follows the schema. Batches go out in the order tables are declared (parents
before children), so every foreign key finds its row, and every CHECK and trigger runs as for
any insert.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import BigInteger, Boolean, DateTime, Integer, LargeBinary, Numeric, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from models import Base

#: a flush ships every buffer once this many rows are waiting, bounding memory
DEFAULT_BATCH_ROWS = 40_000


#: 2000-01-01 UTC, PostgreSQL's epoch, in Unix microseconds
PG_EPOCH_MICROS = 946_684_800_000_000
#: Types whose binary COPY form the generator builds itself. PostgreSQL's binary form of a
#: ``timestamptz`` is a big-endian int64 of microseconds since 2000-01-01 UTC, exactly an
#: ``int8``'s; a ``jsonb`` is a version byte (1) and the JSON text, which a ``bytea`` sends
#: unchanged. Sent so, psycopg's C dumpers do all the work: no ``datetime`` per timestamp,
#: and JSON that repeats (a customer's address on each of their orders) is encoded once.
WIRE_TYPES = {"timestamptz": "int8", "jsonb": "bytea"}


def jsonb(value: Any) -> bytes:
    """``value`` in ``jsonb``'s binary COPY form (see ``WIRE_TYPES``)."""
    return b"\x01" + json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _pg_type(column: Any) -> str:
    kind = column.type
    if isinstance(kind, ARRAY):
        item = kind.item_type
        if isinstance(item, BigInteger):
            return "int8[]"
        if isinstance(item, Integer):
            return "int4[]"
        return "text[]"
    for python_type, name in (
        (BigInteger, "int8"),
        (Integer, "int4"),
        (Boolean, "bool"),
        (DateTime, "timestamptz"),
        (JSONB, "jsonb"),
        (Numeric, "numeric"),
        (UUID, "uuid"),
        (LargeBinary, "bytea"),
        (Text, "text"),
    ):
        if isinstance(kind, python_type):
            return name
    raise TypeError(f"no COPY type for {column.table.name}.{column.name} ({kind!r})")


@dataclass(frozen=True)
class TableSpec:
    """A table the sink writes, with the columns every row gives, in order."""

    name: str
    columns: tuple[str, ...]

    @property
    def types(self) -> list[str]:
        """What psycopg sends each column's values as (``WIRE_TYPES``)."""
        table = Base.metadata.tables[self.name]
        return [WIRE_TYPES.get(t, t) for t in (_pg_type(table.c[c]) for c in self.columns)]

    @property
    def statement(self) -> str:
        return f"COPY {self.name} ({', '.join(self.columns)}) FROM STDIN (FORMAT BINARY)"


_STOP = object()


class CopySink:
    """Buffered binary COPY into several tables on one connection, in dependency order.

    Use ``rows(table)`` to get the list to append tuples to, ``maybe_flush()`` now and then,
    and ``close()`` at the end (it raises whatever the server refused). The connection must
    not be used by anyone else until ``close()`` returns.
    """

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        tables: Sequence[TableSpec],
        *,
        batch_rows: int = DEFAULT_BATCH_ROWS,
    ) -> None:
        self._connection = connection
        self._specs = {t.name: t for t in tables}
        self._order = [t.name for t in tables]
        self._types = {t.name: t.types for t in tables}
        self._buffers: dict[str, list[tuple[Any, ...]]] = {t.name: [] for t in tables}
        self.counts: dict[str, int] = dict.fromkeys(self._order, 0)
        #: seconds the writer spent copying into each table (server time, mostly)
        self.seconds: dict[str, float] = dict.fromkeys(self._order, 0.0)
        self._batch_rows = batch_rows
        self._checks = 0
        self._error: BaseException | None = None
        # A small queue: enough to overlap generating and ingesting, little enough to bound
        # the memory the benchmark's million rows take while they wait.
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=4)
        self._writer = threading.Thread(target=self._write_batches, name="demo-copy", daemon=True)
        self._writer.start()

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        """The buffer to append ``table``'s rows to (tuples in the table's column order).

        The same list for the whole run, so hot loops may hold on to it.
        """
        return self._buffers[table]

    def maybe_flush(self) -> None:
        """Ship every buffer when enough rows are waiting. Cheap to call often."""
        self._checks += 1
        if self._checks % 32:
            return
        if sum(len(b) for b in self._buffers.values()) >= self._batch_rows:
            self.flush()

    def flush(self) -> None:
        """Ship every buffer now, parents before children."""
        for name in self._order:
            rows = self._buffers[name]
            if rows:
                self.counts[name] += len(rows)
                # Hand over a copy and empty the buffer in place: callers may keep a
                # reference to the buffer for as long as they like.
                batch = rows[:]
                rows.clear()
                self._put((name, self._specs[name].statement, self._types[name], batch))

    def close(self) -> None:
        """Ship what is left and wait until the server has it all; raise what it refused."""
        try:
            if self._error is None:
                self.flush()
        finally:
            self._queue.put(_STOP)
            self._writer.join()
        if self._error is not None:
            raise self._error

    def abort(self) -> None:
        """Stop writing (after an error in the generator); the caller rolls back."""
        for rows in self._buffers.values():
            rows.clear()
        self._queue.put(_STOP)
        self._writer.join()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def _put(self, item: Any) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(item)

    def _write_batches(self) -> None:
        cursor = self._connection.cursor()
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if self._error is not None:
                continue  # drain: the transaction is lost, the main thread will raise
            name, statement, types, rows = item
            began = time.perf_counter()
            try:
                with cursor.copy(statement) as copy:
                    copy.set_types(types)
                    write = copy.write_row
                    for row in rows:
                        write(row)
            except BaseException as error:  # re-raised in the generating thread
                self._error = error
            self.seconds[name] += time.perf_counter() - began
