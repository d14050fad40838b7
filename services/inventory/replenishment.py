"""Reorder points and the low-stock view that turns into a purchase order.

A level is low when its available stock is at or below its reorder point. The suggestion
counts what is already incoming: nothing when incoming stock lifts it above the point, else the
reorder quantity (or, without one, what brings it just above the point).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, select, update

from models.catalog import Product, Variant
from models.inventory import InventoryLevel, Location
from services.actors import Actor
from services.errors import ValidationFailed
from services.events import LEVEL_SETTINGS_CHANGED
from services.inventory.ledger import ensure_levels
from services.inventory.levels import require_variants, variant_title_sql
from services.inventory.purchasing import (
    PurchaseLineInput,
    PurchaseOrderDetail,
    create_purchase_order,
)
from services.paging import Page, PageRequest, keyset, like_pattern
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ReorderRule:
    variant_id: int
    location_id: int
    #: low when available is at or below this; None removes the rule
    reorder_point: int | None
    #: how many to order when low; None: enough to get above the point
    reorder_quantity: int | None = None


@dataclass(frozen=True)
class LowStockRow:
    variant_id: int
    location_id: int
    location_name: str
    sku: str | None
    product_title: str
    variant_title: str
    vendor: str | None
    on_hand: int
    available: int
    incoming: int
    reorder_point: int
    reorder_quantity: int | None
    #: minor units per unit: the variant's cost, the default on a purchase order
    unit_cost: int | None

    @property
    def suggested(self) -> int:
        return suggested_quantity(
            self.available, self.incoming, self.reorder_point, self.reorder_quantity
        )


def suggested_quantity(
    available: int, incoming: int, reorder_point: int, reorder_quantity: int | None
) -> int:
    """How many to order: 0 when incoming stock already lifts it above the reorder point."""
    shortfall = reorder_point - (available + incoming) + 1
    if shortfall <= 0:
        return 0
    return max(reorder_quantity or 0, shortfall)


def set_reorder_rules(uow: UnitOfWork, actor: Actor, rules: Sequence[ReorderRule]) -> int:
    """Set reorder points and quantities (all or none); returns how many levels changed.

    Raises ValidationFailed (negative point, quantity below 1), NotFound, PermissionDenied
    (``inventory.settings``).
    """
    if not rules:
        return 0
    for rule in rules:
        if rule.reorder_point is not None and rule.reorder_point < 0:
            raise ValidationFailed("A reorder point cannot be below zero.")
        if rule.reorder_quantity is not None and rule.reorder_quantity < 1:
            raise ValidationFailed("Reorder at least 1.")
    with uow:
        uow.require(actor, "inventory.settings")
        require_variants(uow.session, [r.variant_id for r in rules])
        keys = sorted({(r.variant_id, r.location_id) for r in rules})
        ensure_levels(uow, keys)
        entries = []
        for rule in sorted(rules, key=lambda r: (r.variant_id, r.location_id)):
            where = and_(
                InventoryLevel.variant_id == rule.variant_id,
                InventoryLevel.location_id == rule.location_id,
            )
            before = uow.session.execute(
                select(InventoryLevel.reorder_point, InventoryLevel.reorder_quantity).where(where)
            ).one()
            quantity = rule.reorder_quantity if rule.reorder_point is not None else None
            # reorder settings are not stock figures: no ledger row, audited as a setting
            uow.session.execute(
                update(InventoryLevel)
                .where(where)
                .values(reorder_point=rule.reorder_point, reorder_quantity=quantity)
            )
            entries.append(
                (
                    f"{rule.variant_id}:{rule.location_id}",
                    {"reorder_point": before[0], "reorder_quantity": before[1]},
                    {"reorder_point": rule.reorder_point, "reorder_quantity": quantity},
                )
            )
        uow.audit_many(actor, "inventory.reorder_point", "inventory_level", entries)
        uow.emit_many(
            LEVEL_SETTINGS_CHANGED(r.variant_id, {"location_id": r.location_id}) for r in rules
        )
        uow.commit()
        return len(entries)


def list_low_stock(uow: UnitOfWork, request: PageRequest) -> Page[LowStockRow]:
    """Levels at or below their reorder point. Filters: ``location_id``, ``vendor``,
    ``needs_order`` (only where incoming stock does not already cover it). ``search`` matches
    SKU or product title."""
    level = InventoryLevel
    statement = (
        select(
            level.variant_id,
            level.location_id,
            Location.name.label("location_name"),
            Variant.sku,
            Product.title.label("product_title"),
            variant_title_sql().label("variant_title"),
            Product.vendor,
            level.on_hand,
            level.available,
            level.incoming,
            level.reorder_point,
            level.reorder_quantity,
            Variant.cost,
        )
        .join(Variant, Variant.id == level.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .join(Location, Location.id == level.location_id)
        .where(level.reorder_point.is_not(None), level.available <= level.reorder_point)
    )
    filters = request.filters
    if filters.get("location_id"):
        statement = statement.where(level.location_id == filters["location_id"])
    if filters.get("vendor"):
        statement = statement.where(func.lower(Product.vendor) == str(filters["vendor"]).lower())
    if filters.get("needs_order"):
        statement = statement.where(level.available + level.incoming <= level.reorder_point)
    if request.search.strip():
        pattern = like_pattern(request.search.strip())
        statement = statement.where(Variant.sku.ilike(pattern) | Product.title.ilike(pattern))
    with uow:
        rows, next_after = keyset(
            uow.session,
            statement,
            [level.location_id, level.variant_id],
            request.after,
            request.limit,
        )
        return Page(
            [
                LowStockRow(
                    r.variant_id,
                    r.location_id,
                    r.location_name,
                    r.sku,
                    r.product_title,
                    r.variant_title,
                    r.vendor,
                    r.on_hand,
                    r.available,
                    r.incoming,
                    r.reorder_point,
                    r.reorder_quantity,
                    r.cost,
                )
                for r in rows
            ],
            next_after,
        )


def order_low_stock(
    uow: UnitOfWork,
    actor: Actor,
    *,
    supplier_id: int,
    location_id: int,
    lines: Sequence[tuple[int, int]],
    note: str | None = None,
) -> PurchaseOrderDetail:
    """A draft purchase order for (variant, quantity) lines chosen from the low-stock view,
    each at the variant's current cost (0 where no cost is known yet, to fill in)."""
    wanted = [(v, q) for v, q in lines if q > 0]
    if not wanted:
        raise ValidationFailed("Choose at least one item with a quantity to order.")
    with uow:
        costs = dict(
            uow.session.execute(
                select(Variant.id, Variant.cost).where(Variant.id.in_([v for v, _ in wanted]))
            ).all()
        )
    return create_purchase_order(
        uow,
        actor,
        supplier_id=supplier_id,
        location_id=location_id,
        lines=[PurchaseLineInput(v, q, costs.get(v) or 0) for v, q in wanted],
        note=note or "Reorder from the low-stock list",
    )
