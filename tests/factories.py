"""Small builders for test data, written straight through the ORM (setup, not behaviour)."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from models.catalog import Barcode, Product, Variant
from models.inventory import Bin, Location
from services.unit_of_work import Store

_seq = itertools.count(1)


def location(
    store: Store, code: str | None = None, *, bins: tuple[str, ...] = (), is_default: bool = False
) -> int:
    with store.session_factory.begin() as session:
        n = next(_seq)
        place = Location(
            code=code or f"LOC{n}", name=f"Location {code or n}", is_default=is_default
        )
        session.add(place)
        session.flush()
        for bin_code in bins:
            session.add(Bin(location_id=place.id, code=bin_code))
        return place.id


def product(
    store: Store,
    *,
    handle: str | None = None,
    title: str | None = None,
    skus: tuple[str | None, ...] = ("SKU",),
    price: int = 1000,
    policy: str = "deny",
    status: str = "active",
    vendor: str | None = "Acme",
) -> list[int]:
    """A product with one variant per SKU; returns the variant ids."""
    n = next(_seq)
    with store.session_factory.begin() as session:
        item = Product(
            handle=handle or f"product-{n}",
            title=title or f"Product {n}",
            status=status,
            vendor=vendor,
        )
        for position, sku in enumerate(skus, start=1):
            variant = Variant(
                sku=sku if sku is None else (f"{sku}-{n}" if sku == "SKU" else sku),
                price=price,
                inventory_policy=policy,
                position=position,
                option1=f"Option {position}" if len(skus) > 1 else None,
            )
            variant.barcodes.append(Barcode(code=f"9{n:05d}{position:06d}"))
            item.variants.append(variant)
        session.add(item)
        session.flush()
        return [v.id for v in item.variants]


def session_of(store: Store) -> Session:
    return store.session_factory()
