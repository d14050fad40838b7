"""Alembic migrations of the store's schema (``versions/``), applied by ``app.database.upgrade``."""

from typing import Any

#: index name endings written by hand in the migrations, which autogenerate cannot compare:
#: trigram indexes (operator classes) and the catalog's sort indexes (PostgreSQL reflects
#: their expressions without the COLLATE "C" they are built with)
HAND_WRITTEN_INDEXES = ("_trgm", "_sort")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """What autogenerate compares: hand-written indexes are left to the migrations."""
    return not (type_ == "index" and name is not None and name.endswith(HAND_WRITTEN_INDEXES))
