"""Keyset pagination for lists that can grow (products, variants, orders, movements).

A page is fetched with ``WHERE (sort_key, id) > (last_sort_key, last_id) ORDER BY sort_key, id
LIMIT n``: the same cost on page 5,000 as on page 1, unlike OFFSET. Sort keys must not be NULL
(wrap nullable columns in ``coalesce``) so tuple comparison is total.

The one helper for every list: ``keyset_page`` / ``keyset`` for SQLAlchemy statements,
``keyset_condition`` and ``cut`` for the catalog's statements written in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, SQLColumnExpression, literal, text, tuple_
from sqlalchemy.orm import Session

from services.errors import NUL_REFUSED, ValidationFailed

R = TypeVar("R")
T = TypeVar("T")

#: a cursor: the sort key value and the id of the last row of the previous page
Cursor = tuple[Any, ...]


@dataclass(frozen=True)
class PageRequest:
    after: Cursor | None = None
    limit: int = 200
    search: str = ""
    sort: str | None = None
    descending: bool = False
    filters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    #: pass as ``PageRequest.after`` for the next page; None when this was the last
    next_after: Cursor | None


def keyset_page(
    session: Session,
    statement: Select[*tuple[Any, ...]],
    *,
    order: Sequence[SQLColumnExpression[Any]],
    request: PageRequest,
    to_row: Callable[[Any], R],
) -> Page[R]:
    """One page of ``statement`` in ``order`` (a total order: its last columns are unique
    together), continuing after ``request.after``, as ``to_row`` makes each row. Raises
    ValidationFailed for a search holding a NUL character, which no text can match."""
    if "\x00" in request.search:
        raise ValidationFailed(f"A search {NUL_REFUSED}.")
    if request.search:
        # psycopg prepares repeated statements, and a generic plan ignores the search term
        # (a trigram lookup becomes a scan). Plan every search for its own term.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    rows, next_after = keyset(
        session, statement, order, request.after, request.limit, request.descending
    )
    return Page([to_row(r) for r in rows], next_after)


def keyset(
    session: Session,
    statement: Select[*tuple[Any, ...]],
    order: Sequence[SQLColumnExpression[Any]],
    after: Cursor | None,
    limit: int,
    descending: bool = False,
) -> tuple[list[Any], Cursor | None]:
    """Up to ``limit`` rows of ``statement`` in ``order`` (a total order: its last columns are
    unique together) after the cursor ``after``, and the cursor after the last of them (None
    when no row follows). The cursor is the values of ``order`` on a row; each row also
    carries them as ``_k0``, ``_k1``..."""
    if after is not None:
        key = tuple_(*order)
        bound = tuple_(*[literal(v) for v in after])
        statement = statement.where(key < bound if descending else key > bound)
    statement = statement.order_by(*[c.desc() if descending else c for c in order])
    labels = [f"_k{i}" for i in range(len(order))]
    statement = statement.add_columns(*[c.label(n) for c, n in zip(order, labels, strict=True)])
    rows = session.execute(statement.limit(limit + 1)).all()
    return cut(rows, limit, lambda r: tuple(getattr(r, n) for n in labels))


def keyset_condition(
    columns: Sequence[str],
    after: Cursor,
    descending: bool,
    *,
    inclusive: bool = False,
    prefix: str = "after",
) -> tuple[str, dict[str, Any]]:
    """``keyset``'s condition for a query written in SQL: the rows after the cursor ``after``
    in the order of ``columns`` (SQL expressions), as SQL with its parameters (named
    ``prefix0``, ``prefix1``...). ``inclusive`` keeps the rows equal to the cursor, for a bound
    on a leading part of the key. Raises ValueError for a cursor of another order."""
    if len(after) != len(columns):
        raise ValueError("the cursor belongs to another sort order")
    names = [f"{prefix}{i}" for i in range(len(columns))]
    op = ("<" if descending else ">") + ("=" if inclusive else "")
    sql = f"({', '.join(columns)}) {op} ({', '.join(':' + n for n in names)})"
    return sql, dict(zip(names, after, strict=True))


def cut(
    rows: Sequence[T], limit: int, cursor_of: Callable[[T], Cursor]
) -> tuple[list[T], Cursor | None]:
    """A page from ``limit + 1`` rows fetched: the first ``limit``, and the cursor after the
    last of them when the extra row shows that more follow."""
    page = list(rows[:limit])
    return page, cursor_of(page[-1]) if len(rows) > limit and page else None


def like_pattern(search: str) -> str:
    """``%term%`` with LIKE's wildcards in the user's text escaped."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
