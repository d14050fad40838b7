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
from models.orders import Order, OrderDiscount, OrderLine
from models.promotions import OrderPricing
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
from services.orders.pricing import OrderCart, price_order, record_pricing, refuse_bad_codes
from services.orders.rows import EditResult
from services.orders.totals import PricedLine, effective_tax_rate_bp, tax_lines
from services.pricing import ManualDiscount
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
    codes: Sequence[str] | None = None,
    manual: ManualDiscount | None = None,
    note: str | None = None,
) -> EditResult:
    """Apply ``changes`` to an order that is pending or confirmed with nothing packed.

    The order is priced again through the engine, with the promotions as they were when it
    was placed, its codes (``codes`` replaces them) and its manual discount (``manual``
    replaces it; an amount of 0 removes it): a line removed below a promotion's minimum loses
    that discount, and the order's explanation says so.

    Raises Conflict when the order changed since ``expected_version`` was loaded,
    InvalidTransition when it is past editing, InsufficientStock when an added quantity is not
    available, ValidationFailed for an empty order, a bad quantity or a code that cannot
    apply, PromotionUnavailable when a new code was used up meanwhile; nothing changes then.
    """
    if not changes and shipping_total is None and codes is None and manual is None:
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
                line = _new_line(uow, order.location_id, change)
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
                line.quantity = new
        uow.session.flush()
        remaining = list(
            uow.session.scalars(
                select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
            )
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
        lost = _reprice(uow, order, remaining, rate, codes, manual)
        described += lost
        if not described:
            raise ValidationFailed("Nothing to change.")
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


def _reprice(
    uow: UnitOfWork,
    order: Order,
    lines: list[OrderLine],
    rate_bp: int,
    codes: Sequence[str] | None,
    manual: ManualDiscount | None,
) -> list[dict[str, object]]:
    """Price the edited order again and write its lines' discounts and tax and its discount
    total; the changes to describe on the timeline (a code changed, a discount lost)."""
    stored = uow.session.get(OrderPricing, order.id)
    before = stored.explanation if stored is not None else None
    if before is not None:
        old_codes = list(before.get("codes", ()))
        kept = before.get("manual")
        old_manual = ManualDiscount(kept["amount"], kept["reason"]) if kept else None
    else:  # priced before promotions were explained: its codes are on its discount rows
        old_codes = [
            c
            for c in uow.session.scalars(
                select(OrderDiscount.code).where(OrderDiscount.order_id == order.id)
            )
            if c
        ]
        old_manual = None
    new_codes = list(codes) if codes is not None else old_codes
    new_manual = old_manual if manual is None else (manual if manual.amount > 0 else None)
    priced = price_order(
        uow,
        OrderCart(
            [(ln.id, ln.variant_id, ln.quantity, ln.unit_price) for ln in lines],
            order.customer_id,
            codes=new_codes,
            shipping=order.shipping_total,
            manual=new_manual,
            at=order.placed_at,
            order_id=order.id,
        ),
    )
    if codes is not None:
        refuse_bad_codes(priced)
    for line, priced_line in zip(lines, tax_lines(priced, rate_bp), strict=True):
        line.discount_total = priced_line.discount_total
        line.tax_total = priced_line.tax_total
    order.subtotal = sum(ln.unit_price * ln.quantity for ln in lines)
    order.discount_total = priced.discount_total
    order.tax_total = sum(ln.tax_total for ln in lines)
    order.total = order.subtotal - order.discount_total + order.shipping_total + order.tax_total
    explanation = record_pricing(
        uow, order, priced, {ln.id: ln.id for ln in lines}, codes=new_codes, before=before
    )
    described: list[dict[str, object]] = []
    if new_codes != old_codes:
        described.append({"codes": {"from": old_codes, "to": new_codes}})
    if new_manual != old_manual:
        described.append(
            {
                "manual_discount": {
                    "from": old_manual.amount if old_manual else 0,
                    "to": new_manual.amount if new_manual else 0,
                    "reason": new_manual.reason if new_manual else None,
                }
            }
        )
    described += [
        {"discount_lost": r["title"], "why": r["message"]}
        for r in explanation["rejected"]
        if r["lost"]
    ]
    return described


def _new_line(uow: UnitOfWork, location_id: int | None, change: LineChange) -> OrderLine | None:
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
        tax_total=0,  # priced with the rest of the order
    )
