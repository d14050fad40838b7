"""Sending big lists to PostgreSQL as array literals.

A hundred thousand values bound as a Python list are adapted one element at a time by the
driver (about a second per few hundred thousand values); written as one array literal
(``{1,2,3}``) by ``str.join`` and cast on the server they cost next to nothing. ``Array(kind)``
is a bind type for that: ``bindparam("ids", type_=Array("bigint"))``, used as ``unnest(:ids)``.

Join big arrays with ``unnest(:ids) AS k(id)`` rather than testing ``col = ANY(:ids)``: the
cast literal is not a constant PostgreSQL can hash, so ``= ANY`` would search the whole array
for every row (a re-import of 100,000 variants spent a minute there).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import cast
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import BigInteger, Boolean, Integer, Text, TypeDecorator

_ITEM = {"bigint": BigInteger, "integer": Integer, "text": Text, "boolean": Boolean}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def literal(values: Iterable[Any], kind: str) -> str:
    """``[1, None, 3]`` as ``{1,NULL,3}``; text is quoted and escaped; booleans are t/f;
    ``numeric`` keeps a Decimal's digits where integer kinds take whole numbers."""
    values = list(values)
    if not values:
        return "{}"
    if kind == "text":
        if None not in values:
            # escaped in one pass over the text joined by NUL, which PostgreSQL text never holds
            joined = "\x00".join(values)
            if joined.count("\x00") == len(values) - 1:
                return '{"' + _escape(joined).replace("\x00", '","') + '"}'
        items = ["NULL" if v is None else '"' + _escape(v) + '"' for v in values]
    elif kind == "boolean":
        items = ["NULL" if v is None else ("t" if v else "f") for v in values]
    elif kind == "numeric":
        items = ["NULL" if v is None else str(v) for v in values]
    elif None not in values:
        items = list(map(str, map(int, values)))
    else:
        items = ["NULL" if v is None else str(int(v)) for v in values]
    return "{" + ",".join(items) + "}"


class Array(TypeDecorator[Any]):
    """A list bound as one array literal and cast to ``kind[]`` on the server."""

    impl = Text
    cache_ok = True

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else literal(value, self.kind)

    def bind_expression(self, bindvalue: BindParameter[Any]) -> ColumnElement[Any]:
        return cast(bindvalue, ARRAY(_ITEM[self.kind]))


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a hundred thousand rows are held in memory.

    Every few thousand allocations the collector walks all tracked objects; with a whole
    product file parsed into objects that walk is a third of the CPU an import spends. The
    objects are freed by reference counting as usual; cycles wait for a later collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Everything made in the block is still "young": the first collection after it would
        # walk all of it (a second for 100,000 variants). Promote it to the oldest
        # generation instead, which a full collection visits only when it has grown by a
        # quarter.
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()
