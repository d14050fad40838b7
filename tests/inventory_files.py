"""Shopify inventory CSVs in the exact layouts Shopify has exported, and a store that holds
what makes them hard: several locations, two products sharing a SKU in the file (one of them
without a SKU in the store, as after a duplicate SKU was cleared on import), an item whose
stock Shopify does not track, and a location the store lacks."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import text

from services.actors import Actor
from services.inventory.ledger import Reference, reserve
from services.unit_of_work import Store
from tests import factories
from tests.inventory_helpers import stock

HEADER_2023 = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,"
    "Option3 Value,SKU,HS Code,COO,Location,Incoming,Unavailable,Committed,Available,On hand"
)
FIXED = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,"
    "Option3 Value,SKU,HS Code,COO"
)
MAIN, SHOP, POP_UP = "Main warehouse", "Shop", "Pop-up store"


@dataclass(frozen=True)
class Shop:
    main: int
    shop: int
    tee_small: int  # tee, Size Small / Color Red, SKU TEE-S
    tee_large: int  # tee, Size Large / Color Red, SKU TEE-L
    mug: int  # SKU SHARED
    bowl: int  # no SKU in the store; the file gives it the mug's SKU
    gift_card: int  # its stock is not counted (not tracked), here as in Shopify


def a_shop(store: Store, staff: dict[str, Actor]) -> Shop:
    main = factories.location(store, "MAIN", is_default=True)
    shop = factories.location(store, "SHOP")
    with store.session_factory.begin() as session:
        session.execute(
            text("UPDATE locations SET name = CASE code WHEN 'MAIN' THEN :m ELSE :s END"),
            {"m": MAIN, "s": SHOP},
        )
    tee_small, tee_large = factories.product(store, handle="tee", skus=("TEE-S", "TEE-L"))
    [mug] = factories.product(store, handle="mug", skus=("SHARED",))
    [bowl] = factories.product(store, handle="bowl", skus=(None,))
    [gift_card] = factories.product(store, handle="gift-card", skus=("GIFT",))
    with store.session_factory.begin() as session:
        session.execute(
            text("UPDATE variants SET track_stock = false WHERE id = :g"), {"g": gift_card}
        )
        session.execute(
            text(
                "UPDATE variants SET option1 = CASE id WHEN :s THEN 'Small' ELSE 'Large' END, "
                "option2 = 'Red' WHERE id IN (:s, :l)"
            ),
            {"s": tee_small, "l": tee_large},
        )
    for variant, place, units in ((tee_small, main, 5), (tee_small, shop, 2), (mug, main, 1)):
        stock(store, staff, variant, place, units)
    with store.unit_of_work() as uow:  # an order holds one small tee at the shop
        reserve(uow, staff["admin"], [(tee_small, shop, 1)], reference=Reference.of("order", 7))
        uow.commit()
    return Shop(main, shop, tee_small, tee_large, mug, bowl, gift_card)


#: handle, title, the option pairs and the SKU of each item, as Shopify writes them
ITEMS = {
    "tee-s": ["tee", "Tee", "Size", "Small", "Color", "Red", "", "", "TEE-S"],
    "tee-l": ["tee", "Tee", "Size", "Large", "Color", "Red", "", "", "TEE-L"],
    "mug": ["mug", "Mug", "Title", "Default Title", "", "", "", "", "SHARED"],
    "bowl": ["bowl", "Bowl", "Title", "Default Title", "", "", "", "", "SHARED"],
    "gift": ["gift-card", "Gift card", "Title", "Default Title", "", "", "", "", "GIFT"],
    "ghost": ["ghost", "Ghost", "Title", "Default Title", "", "", "", "", "GHOST"],  # not ours
}


def _write(header: str, rows: list[list[str]]) -> str:
    out = io.StringIO()
    out.write(header + "\r\n")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def file_2023(rows: list[tuple[str, str, str, str]]) -> str:
    """(item, location, available, on hand) rows in the 2023 layout; Incoming, Unavailable and
    Committed are Shopify's own figures, which the import does not read."""
    return _write(
        HEADER_2023,
        [
            [*ITEMS[item], "", "", place, "0", "0", "0", available, on_hand]
            for item, place, available, on_hand in rows
        ],
    )


def file_location_columns(places: list[str], rows: dict[str, list[str]]) -> str:
    """The older layout: one column per location, its cells the available quantity."""
    return _write(
        ",".join([FIXED, *places]),
        [[*ITEMS[item], "", "", *cells] for item, cells in rows.items()],
    )
