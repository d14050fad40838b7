"""The store says how it writes money; services write the amounts in their messages that way,
and their results say which currency an amount is in."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.money import MoneyFormat
from services.errors import ValidationFailed
from services.imports.products import plan_product_import
from services.orders import get_order_detail
from services.payments import refund_order
from services.store import store_money_format
from tests import orders_support as support

NBSP = "\u00a0"


def _set_store(store, *, currency: str, locale: str | None, country: str | None) -> None:
    with store.unit_of_work() as uow:
        uow.execute(
            text(
                "UPDATE store SET currency = :currency, locale = :locale,"
                " address = CASE WHEN CAST(:country AS text) IS NULL THEN '{}'::jsonb"
                " ELSE jsonb_build_object('country_code', CAST(:country AS text)) END"
            ),
            {"currency": currency, "locale": locale, "country": country},
        )
        uow.commit()


@pytest.mark.parametrize(
    ("currency", "locale", "country", "expected"),
    [
        ("USD", None, "US", MoneyFormat("USD", "en_US")),
        ("EUR", None, "FR", MoneyFormat("EUR", "fr_FR")),
        ("EUR", None, None, MoneyFormat("EUR", "de_DE")),
        ("EUR", "nl_NL", "DE", MoneyFormat("EUR", "nl_NL")),  # the store's choice wins
    ],
)
def test_the_stores_money_format_is_its_choice_or_its_countrys(
    store, currency: str, locale: str | None, country: str | None, expected: MoneyFormat
) -> None:
    _set_store(store, currency=currency, locale=locale, country=country)
    assert store_money_format(store.unit_of_work()) == expected


def test_a_locale_that_is_not_one_is_refused_by_the_store(store) -> None:
    with pytest.raises(Exception, match="locale_form"):
        _set_store(store, currency="EUR", locale="German please", country=None)


def test_a_euro_stores_refund_messages_write_euros_its_way(store, staff) -> None:
    _set_store(store, currency="EUR", locale="de_DE", country="DE")
    shop = support.shop(store, staff["admin"], skus=("EU",), price=5000)
    order_id = support.place(store, staff["manager"], shop, (1,))
    support.pay(store, staff["manager"], order_id, 5000)
    assert get_order_detail(store.unit_of_work(), order_id).currency == "EUR"
    done = refund_order(
        store.unit_of_work(), staff["manager"], order_id, amount=3000, idempotency_key="k1"
    )
    assert (done.amount, done.currency) == (3000, "EUR")
    assert done.message == f"Refunded 30,00{NBSP}€."
    with pytest.raises(ValidationFailed) as refused:
        refund_order(
            store.unit_of_work(), staff["manager"], order_id, amount=2001, idempotency_key="k2"
        )
    assert f"Only 20,00{NBSP}€" in str(refused.value)
    timeline = get_order_detail(store.unit_of_work(), order_id).timeline
    assert any(f"30,00{NBSP}€" in entry.summary for entry in timeline)


def test_an_import_reads_a_files_amounts_as_files_write_them_and_reports_in_the_stores_way(
    store,
) -> None:
    _set_store(store, currency="EUR", locale="de_DE", country="DE")
    data = (
        b"Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price\n"
        b"mug,Mug,Title,Default Title,M-1,1.005\n"
    )
    (row,) = plan_product_import(store.unit_of_work(), data).rows
    assert f"Price: 1.005 has more decimals than EUR amounts; rounded to 1,00{NBSP}€." in [
        issue.message for issue in row.issues
    ]
