"""Catalog changes as the storefront needs to hear them: each product's handle, SKUs and
whether the storefront shows it, read in the same transaction as the change. The events
themselves are defined in ``services.events``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from services.arrays import Array
from services.events import Event, EventType, product_event
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ProductChange:
    """One product's change as the storefront needs to hear it."""

    product_id: int
    handle: str
    skus: tuple[str, ...]
    published: bool
    fields: tuple[str, ...] = ()
    old_handle: str | None = None

    def event(self, type_: EventType) -> Event:
        return product_event(
            type_,
            self.product_id,
            self.handle,
            self.skus,
            published=self.published,
            fields=self.fields,
            previous_handle=self.old_handle,
        )


def emit_product_changes(
    uow: UnitOfWork, type_: EventType, changes: Sequence[ProductChange]
) -> None:
    """One event of ``type_`` per product, in one statement (an import announces ten thousand)."""
    uow.emit_many(change.event(type_) for change in changes)


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
            "WHERE p.id IN (SELECT unnest(:ids)) GROUP BY p.id"
        ).bindparams(bindparam("ids", type_=Array("bigint"))),
        {"ids": ids},
    )
    before = published_before or {}
    return [
        ProductChange(r.id, r.handle, tuple(r.skus), r.published or before.get(r.id, False), fields)
        for r in rows
    ]
