"""The store's own settings that every area reads: how it writes amounts of money."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from models.money import MoneyFormat
from services.unit_of_work import UnitOfWork


def money_format(session: Session) -> MoneyFormat:
    """The store's currency and the locale it writes amounts in, inside an open transaction.

    A store that has not chosen a locale gets its country's, else its currency's usual one; a
    store not set up yet writes US dollars.
    """
    row = session.execute(
        text("SELECT currency, locale, address->>'country_code' FROM store WHERE id = 1")
    ).one_or_none()
    if row is None:
        return MoneyFormat()
    return MoneyFormat.of_store(row[0], row[1], row[2])


def store_time_zone(uow: UnitOfWork) -> str:
    """The IANA time zone the store keeps its hours in (promotions start and end in it)."""
    with uow:
        zone = uow.session.execute(text("SELECT timezone FROM store WHERE id = 1")).scalar()
        return str(zone or "UTC")


def store_money_format(uow: UnitOfWork) -> MoneyFormat:
    """The store's currency and locale, for the screens that show and take amounts."""
    with uow:
        return money_format(uow.session)
