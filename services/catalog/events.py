"""Outbox events of catalog changes, written in the same transaction as the change.

Topics: ``product.created``, ``product.updated``, ``product.deleted``, ``product.published``,
``product.unpublished``, ``collection.changed``. Each product event carries cache tags for
storefront revalidation (``product:<handle>``, ``sku:<sku>``). An event is public when the
storefront shows (or showed) the product; other workstations hear every event either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text

from services.arrays import Array, literal
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


_EMIT = """
    INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, cache_tags, public)
    SELECT %(topic)s, %(type)s, d.id, d.payload, CASE WHEN d.tags = '' THEN '{}'::text[]
           ELSE string_to_array(d.tags, chr(31)) END, d.public
    FROM unnest(%(ids)s::text[], %(payloads)s::jsonb[], %(tags)s::text[], %(public)s::boolean[])
        AS d(id, payload, tags, public)
"""


def emit_product_changes(uow: UnitOfWork, topic: str, changes: Sequence[ProductChange]) -> None:
    """One outbox row per product, all in one statement (an import announces ten thousand).

    Listeners hear of them at commit, through the outbox's NOTIFY trigger, as with
    ``UnitOfWork.emit``.
    """
    if not changes:
        return
    uow.defer(
        _EMIT,
        {
            "topic": topic,
            "type": PRODUCT,
            # array literals: the driver adapts a list value by value (a regex for each)
            "ids": literal([str(c.product_id) for c in changes], "text"),
            "payloads": literal([json.dumps(c.payload()) for c in changes], "text"),
            "tags": literal([chr(31).join(c.cache_tags()) for c in changes], "text"),
            "public": literal([c.published for c in changes], "boolean"),
        },
    )


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
