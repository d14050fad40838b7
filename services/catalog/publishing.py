"""Publishing: what the storefront shows. Only active products can be published."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from services.actors import Actor
from services.arrays import Array
from services.catalog.events import emit_product_changes, product_changes
from services.errors import InvalidTransition, ValidationFailed
from services.events import PRODUCT_PUBLISHED, PRODUCT_UNPUBLISHED
from services.unit_of_work import UnitOfWork

_IDS = Array("bigint")


@dataclass(frozen=True)
class PublishResult:
    changed: int
    #: products already in the requested state, left alone
    unchanged: int


def publish_products(uow: UnitOfWork, actor: Actor, product_ids: Sequence[int]) -> PublishResult:
    """Put active products on the storefront. Raises InvalidTransition naming any product that
    is not active (nothing is published then), PermissionDenied (catalog.publish)."""
    return _set_published(uow, actor, product_ids, publish=True)


def unpublish_products(uow: UnitOfWork, actor: Actor, product_ids: Sequence[int]) -> PublishResult:
    """Take products off the storefront. Raises PermissionDenied (catalog.publish)."""
    return _set_published(uow, actor, product_ids, publish=False)


def _set_published(
    uow: UnitOfWork, actor: Actor, product_ids: Sequence[int], *, publish: bool
) -> PublishResult:
    ids = sorted(set(product_ids))
    if not ids:
        raise ValidationFailed("Choose the products first.")
    with uow:
        uow.require(actor, "catalog.publish")
        rows = uow.execute(
            text(
                "SELECT id, title, status, published_at IS NOT NULL AS published FROM products "
                "WHERE id = ANY(:ids) ORDER BY id FOR UPDATE"
            ).bindparams(bindparam("ids", type_=_IDS)),
            {"ids": ids},
        ).all()
        if publish:
            inactive = [r.title for r in rows if r.status != "active"]
            if inactive:
                names = ", ".join(f"“{t}”" for t in inactive[:5])
                more = f" and {len(inactive) - 5} more" if len(inactive) > 5 else ""
                raise InvalidTransition(
                    f"Only active products can be published; {names}{more} "
                    f"{'is' if len(inactive) == 1 else 'are'} not active. Set the status to "
                    "active first."
                )
        changing = [r.id for r in rows if r.published != publish]
        if changing:
            uow.execute(
                text(
                    "UPDATE products SET published_at = CASE WHEN :publish THEN now() END, "
                    "version = version + 1, updated_at = now() WHERE id = ANY(:ids)"
                ).bindparams(bindparam("ids", type_=_IDS)),
                {"ids": changing, "publish": publish},
            )
            action = "catalog.product.publish" if publish else "catalog.product.unpublish"
            uow.audit_many(
                actor,
                action,
                "product",
                [(pid, {"published": not publish}, {"published": publish}) for pid in changing],
            )
            changes = product_changes(
                uow, changing, fields=("published",), published_before=dict.fromkeys(changing, True)
            )
            emit_product_changes(
                uow, PRODUCT_PUBLISHED if publish else PRODUCT_UNPUBLISHED, changes
            )
        uow.commit()
    return PublishResult(len(changing), len(rows) - len(changing))
