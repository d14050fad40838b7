"""The store itself: its name, currency and address, printed on slips and reports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped, Versioned


class Store(Versioned, Timestamped, Base):
    __tablename__ = "store"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
        CheckConstraint(
            "locale ~ '^[a-z]{2,3}(_[A-Za-z]{4})?(_[A-Z]{2}|_[0-9]{3})?$'", name="locale_form"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(Text, default="USD")
    #: how amounts are typed and shown (``de_DE``: ``12,50 €``); None: the country's or the
    #: currency's usual locale (``models.money.MoneyFormat.of_store``)
    locale: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    address: Mapped[dict[str, Any]] = mapped_column(default=dict)
    timezone: Mapped[str] = mapped_column(Text, default="UTC")
