"""Outbox events of catalog changes, written in the same transaction as the change.

Topics: ``product.created``, ``product.updated``, ``product.deleted``, ``product.published``,
``product.unpublished``, ``collection.changed``. Each product event carries cache tags for
storefront revalidation (``product:<handle>``, ``sku:<sku>``). An event is public when the
storefront shows (or showed) the product; other workstations hear every event either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger

from services.unit_of_work import UnitOfWork

PRODUCT = "product"


@dataclass(frozen=True)
class ProductChange:
    """One product's change as the storefront needs to hear it."""

    product_id: int
    handle: str
    skus: tuple[str, ...]
    published: bool
    fields: tuple[str, ...] = ()
    old_handle: str | None = None

    def cache_tags(self) -> list[str]:
        tags = [f"product:{self.handle}"]
        if self.old_handle and self.old_handle != self.handle:
            tags.append(f"product:{self.old_handle}")
        return tags + [f"sku:{sku}" for sku in self.skus]

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"handle": self.handle}
        if self.fields:
            body["fields"] = list(self.fields)
        if self.old_handle and self.old_handle != self.handle:
            body["previous_handle"] = self.old_handle
        return body


def emit_product_changes(uow: UnitOfWork, topic: str, changes: Sequence[ProductChange]) -> None:
    """One outbox row per product, public ones and back-office ones in two inserts."""
    for public in (True, False):
        events = [
            (c.product_id, c.payload(), c.cache_tags()) for c in changes if c.published == public
        ]
        uow.emit_many(topic, PRODUCT, events, public=public)


def product_changes(
    uow: UnitOfWork,
    product_ids: Iterable[int],
    *,
    fields: tuple[str, ...] = (),
    published_before: dict[int, bool] | None = None,
) -> list[ProductChange]:
    """ProductChange for each product as it stands now in this transaction."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    rows = uow.execute(
        text(
            "SELECT p.id, p.handle, p.published_at IS NOT NULL AS published, "
            "coalesce(array_agg(v.sku ORDER BY v.position) FILTER (WHERE v.sku IS NOT NULL), "
            "'{}') AS skus FROM products p LEFT JOIN variants v ON v.product_id = p.id "
            "WHERE p.id = ANY(:ids) GROUP BY p.id"
        ).bindparams(bindparam("ids", type_=ARRAY(BigInteger))),
        {"ids": ids},
    )
    before = published_before or {}
    return [
        ProductChange(r.id, r.handle, tuple(r.skus), r.published or before.get(r.id, False), fields)
        for r in rows
    ]
