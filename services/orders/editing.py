"""Editing an order before it is packed: add, remove or change lines.

Reservations follow the new quantities through the ledger (``reserved`` for more, ``released``
for fewer), totals are recomputed (a changed line keeps its discount and tax per unit; a new
line is taxed at the rate the order was charged), and the edit is a versioned change on the
timeline: the order's version, what changed, the totals before and after, and the balance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from models.catalog import Product, Variant
from models.orders import OrderLine
from models.status import MovementReason
from services.actors import Actor
from services.audit import last_change
from services.errors import Conflict, ValidationFailed
from services.inventory.ledger import Movement, Reference, ensure_levels, move_stock, reserve
from services.orders import history
from services.orders.actions import OrderAction
from services.orders.core import (
    append_history,
    check_action,
    emit_availability,
    emit_order_changed,
    line_location,
    lock_order,
    payment_totals,
    refresh_payment_status,
)
from services.orders.rows import EditResult
from services.orders.totals import PricedLine, effective_tax_rate_bp, scale
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class LineChange:
    """Set a line's quantity (0 removes it), or add a variant when ``line_id`` is None."""

    quantity: int
    line_id: int | None = None
    variant_id: int | None = None
    unit_price: int | None = None


def edit_order(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    changes: Sequence[LineChange],
    *,
    expected_version: int,
    shipping_total: int | None = None,
    note: str | None = None,
) -> EditResult:
    """Apply ``changes`` to an order that is pending or confirmed with nothing packed.

    Raises Conflict when the order changed since ``expected_version`` was loaded,
    InvalidTransition when it is past editing, InsufficientStock when an added quantity is not
    available, ValidationFailed for an empty order or a bad quantity; nothing changes then.
    """
    if not changes and shipping_total is None:
        raise ValidationFailed("Nothing to change.")
    if any(c.quantity < 0 for c in changes):
        raise ValidationFailed("Quantities cannot be negative.", fields={"quantity": "Below 0"})
    with uow:
        uow.require(actor, "orders.edit")
        order = lock_order(uow, order_id)
        if order.version != expected_version:
            who = last_change(uow.session, {"order": [order.id]})
            raise Conflict(
                f"Order #{order.number} was changed{who.describe() if who else ' by someone else'}"
                " since you opened it. "
                "Reload it and make your change again."
            )
        check_action(uow, order, OrderAction.EDIT)
        lines = {
            ln.id: ln
            for ln in uow.session.scalars(
                select(OrderLine).where(OrderLine.order_id == order.id).with_for_update()
            )
        }
        before_total = order.total
        before = {
            "subtotal": order.subtotal,
            "discount_total": order.discount_total,
            "shipping_total": order.shipping_total,
            "tax_total": order.tax_total,
            "total": order.total,
        }
        rate = effective_tax_rate_bp(
            [
                PricedLine(ln.unit_price, ln.quantity, ln.discount_total, ln.tax_total)
                for ln in lines.values()
            ]
        )
        reference = Reference.of("order", order.number)
        more: dict[tuple[int, int], int] = {}
        fewer: list[Movement] = []
        described: list[dict[str, object]] = []
        for change in changes:
            if change.line_id is None:
                line = _new_line(uow, order.location_id, change, rate)
                if line is None:
                    continue
                line.order_id = order.id
                uow.session.add(line)
                if change.variant_id is not None and line.location_id is not None:
                    key = (change.variant_id, line.location_id)
                    more[key] = more.get(key, 0) + line.quantity
                described.append(
                    {"sku": line.sku, "title": line.product_title, "from": 0, "to": line.quantity}
                )
                continue
            line = lines.get(change.line_id)
            if line is None:
                raise ValidationFailed(f"That line is no longer on order #{order.number}.")
            old, new = line.quantity, change.quantity
            if old == new:
                continue
            loc = line_location(order, line)
            if line.variant_id is not None and loc is not None:
                if new > old:
                    key = (line.variant_id, loc)
                    more[key] = more.get(key, 0) + new - old
                else:
                    fewer.append(Movement(line.variant_id, loc, committed=new - old))
            described.append({"sku": line.sku, "title": line.product_title, "from": old, "to": new})
            if new == 0:
                uow.session.delete(line)
            else:
                line.discount_total = scale(line.discount_total, new, old)
                line.tax_total = scale(line.tax_total, new, old)
                line.quantity = new
        uow.session.flush()
        remaining = list(
            uow.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id))
        )
        if not any(ln.quantity > 0 for ln in remaining):
            raise ValidationFailed(
                f"Order #{order.number} would have no lines left; cancel it instead."
            )
        move_stock(
            uow,
            actor,
            fewer,
            reason=MovementReason.RELEASED,
            reference=reference,
            note="order edited",
        )
        if more:
            ensure_levels(uow, more)
            reserve(
                uow,
                actor,
                [(v, loc, q) for (v, loc), q in sorted(more.items())],
                reference=reference,
                note="order edited",
            )
        if shipping_total is not None:
            if shipping_total < 0:
                raise ValidationFailed("Shipping cannot be negative.")
            if shipping_total != order.shipping_total:
                described.append({"shipping": {"from": order.shipping_total, "to": shipping_total}})
            order.shipping_total = shipping_total
        if not described:
            raise ValidationFailed("Nothing to change.")
        order.subtotal = sum(ln.unit_price * ln.quantity for ln in remaining)
        order.discount_total = sum(ln.discount_total for ln in remaining)
        order.tax_total = sum(ln.tax_total for ln in remaining)
        order.total = order.subtotal - order.discount_total + order.shipping_total + order.tax_total
        refresh_payment_status(uow, order)
        uow.session.flush()  # bumps the version: this edit is version N of the order
        _, captured, refunded, _ = payment_totals(uow, order.id)
        balance = order.total - (captured - refunded)
        after = {
            "subtotal": order.subtotal,
            "discount_total": order.discount_total,
            "shipping_total": order.shipping_total,
            "tax_total": order.tax_total,
            "total": order.total,
        }
        append_history(
            uow,
            actor,
            order,
            history.edited(
                order.version,
                changes=described,
                before=before,
                after=after,
                balance_due=balance,
                note=(note or "").strip() or None,
            ),
        )
        uow.audit(
            actor,
            "order.edit",
            "order",
            order.id,
            before=before,
            after={**after, "changes": described},
        )
        emit_order_changed(uow, order, "order.edited", {"version": order.version})
        emit_availability(uow, [k[0] for k in more] + [m.variant_id for m in fewer])
        result = EditResult(
            order.id, order.number, order.version, before_total, order.total, balance
        )
        uow.commit()
        return result


def _new_line(
    uow: UnitOfWork, location_id: int | None, change: LineChange, rate_bp: int
) -> OrderLine | None:
    if change.variant_id is None:
        raise ValidationFailed("Choose the product to add.")
    if change.quantity == 0:
        return None
    row = uow.session.execute(
        select(Variant, Product.title).join(Product).where(Variant.id == change.variant_id)
    ).one_or_none()
    if row is None:
        raise ValidationFailed("That product no longer exists.")
    variant, title = row
    price = change.unit_price if change.unit_price is not None else variant.price
    if price < 0:
        raise ValidationFailed("A price cannot be negative.")
    return OrderLine(
        variant_id=variant.id,
        location_id=location_id,
        sku=variant.sku,
        product_title=title,
        variant_title=None if variant.title == "Default Title" else variant.title,
        quantity=change.quantity,
        unit_price=price,
        discount_total=0,
        tax_total=scale(price * change.quantity * rate_bp, 1, 10_000),
    )
