"""Alembic migrations of the store's schema (``versions/``), applied by ``app.database.upgrade``."""

from typing import Any


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """What autogenerate compares: trigram indexes are written by hand in the migrations."""
    return not (type_ == "index" and name is not None and name.endswith("_trgm"))
