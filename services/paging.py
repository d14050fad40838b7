"""Keyset pagination for lists that can grow (products, variants, orders, movements).

A page is fetched with ``WHERE (sort_key, id) > (last_sort_key, last_id) ORDER BY sort_key, id
LIMIT n``: the same cost on page 5,000 as on page 1, unlike OFFSET. Sort keys must not be NULL
(wrap nullable columns in ``coalesce``) so tuple comparison is total.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, SQLColumnExpression, text, tuple_
from sqlalchemy.orm import Session

from services.errors import NUL_REFUSED, ValidationFailed

R = TypeVar("R")

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
    sort_key: SQLColumnExpression[Any],
    id_column: SQLColumnExpression[Any],
    request: PageRequest,
    to_row: Callable[[Any], R],
) -> Page[R]:
    """One page of ``statement`` ordered by (``sort_key``, ``id_column``). Raises
    ValidationFailed for a search holding a NUL character, which no text can match."""
    if "\x00" in request.search:
        raise ValidationFailed(f"A search {NUL_REFUSED}.")
    if request.search:
        # psycopg prepares repeated statements; a generic plan ignores the search term and a
        # 2 ms trigram search becomes 250 ms. Plan every search for its own term.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    key = tuple_(sort_key, id_column)
    if request.after is not None:
        after = tuple_(*request.after)
        statement = statement.where(key < after if request.descending else key > after)
    if request.descending:
        statement = statement.order_by(sort_key.desc(), id_column.desc())
    else:
        statement = statement.order_by(sort_key, id_column)
    statement = statement.add_columns(sort_key.label("_sort_key"), id_column.label("_id"))
    results: Sequence[Any] = session.execute(statement.limit(request.limit + 1)).all()
    more = len(results) > request.limit
    results = results[: request.limit]
    next_after = (results[-1]._sort_key, results[-1]._id) if more and results else None
    return Page([to_row(r) for r in results], next_after)


def like_pattern(search: str) -> str:
    """``%term%`` with LIKE's wildcards in the user's text escaped."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
