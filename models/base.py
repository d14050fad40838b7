"""Declarative base, naming conventions and the mixins every table shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Integer minor units of the store's currency (cents for USD). Never a float.
MinorUnits = BigInteger


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSONB,
        list[str]: ARRAY(Text),
    }


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Versioned:
    """An editable record: every UPDATE bumps ``version``.

    Services compare the version the user loaded with the stored one and raise
    ``services.errors.Conflict`` when they differ, so two editors never overwrite each other.
    The ORM also refuses a flush whose row changed underneath it (``version_id_col``).
    """

    version: Mapped[int] = mapped_column(Integer, server_default="1", default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


def append_only_tables() -> tuple[str, ...]:
    """Tables that reject UPDATE, DELETE and TRUNCATE at the database level."""
    return ("audit_log", "stock_movements", "order_history", "payment_transactions")
