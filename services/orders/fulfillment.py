"""Fulfilling orders: choose lines and quantities at a location, with carrier and tracking.

Shipping a line takes the units off the shelf and out of the commitment in one ledger movement
(reason ``fulfilled``). The order's fulfillment status follows from quantities
(``models.status.fulfillment_status_for``); when nothing is left to fulfil, the order moves from
processing to shipped in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from models.inventory import Location
from models.orders import Fulfillment, FulfillmentLine, Order, OrderLine
from models.status import FulfillmentStatus, MovementReason, OrderStatus, fulfillment_status_for
from services.actors import Actor
from services.errors import ValidationFailed
from services.inventory.ledger import Movement, Reference, move_stock
from services.orders import history
from services.orders.actions import OrderAction
from services.orders.core import (
    append_history,
    check_action,
    emit_availability,
    emit_order_changed,
    line_location,
    lock_order,
    refresh_fulfillment_status,
    transition,
)
from services.orders.rows import FulfillmentResult
from services.unit_of_work import UnitOfWork


def fulfil_order(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    location_id: int | None = None,
    quantities: Mapping[int, int] | None = None,
    carrier: str | None = None,
    tracking_number: str | None = None,
    tracking_url: str | None = None,
) -> FulfillmentResult:
    """Ship some or all of an order's lines from one location.

    ``quantities`` maps order line ids to how many units to ship; None ships everything left at
    ``location_id`` (or, without a location, everything left anywhere, one fulfillment per
    location). Raises InvalidTransition unless the order is in processing with something left
    to ship, and ValidationFailed for a line of another location or more than is left.
    """
    with uow:
        uow.require(actor, "orders.fulfill")
        order = lock_order(uow, order_id)
        check_action(uow, order, OrderAction.FULFIL)
        lines = {
            ln.id: ln
            for ln in uow.session.scalars(
                select(OrderLine)
                .where(OrderLine.order_id == order.id)
                .order_by(OrderLine.id)
                .with_for_update()
            )
        }
        wanted = _wanted(order, lines, location_id, quantities)
        ids = _ship(
            uow,
            actor,
            order,
            lines,
            wanted,
            carrier=_clean(carrier),
            tracking_number=_clean(tracking_number),
            tracking_url=_clean(tracking_url),
        )
        status = refresh_fulfillment_status(uow, order)
        if status is FulfillmentStatus.FULFILLED:
            transition(uow, actor, order, OrderStatus.SHIPPED, note="Everything was fulfilled")
        else:
            emit_order_changed(uow, order, "order.fulfilled")
        uow.session.flush()
        result = FulfillmentResult(
            tuple(ids), order.id, order.number, order.status, order.fulfillment_status
        )
        uow.commit()
        return result


def ship_order(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    carrier: str | None = None,
    tracking_number: str | None = None,
    tracking_url: str | None = None,
) -> FulfillmentResult:
    """Fulfil everything left on the order (one fulfillment per location) and mark it shipped."""
    return fulfil_order(
        uow,
        actor,
        order_id,
        carrier=carrier,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
    )


def _wanted(
    order: Order,
    lines: Mapping[int, OrderLine],
    location_id: int | None,
    quantities: Mapping[int, int] | None,
) -> dict[int, dict[int, int]]:
    """{location id: {line id: quantity}} after checking every requested line."""
    wanted: dict[int, dict[int, int]] = {}
    problems: dict[str, str] = {}
    if quantities is None:
        for line in lines.values():
            left = line.quantity - line.fulfilled_quantity
            loc = line_location(order, line)
            if left > 0 and loc is not None and (location_id is None or loc == location_id):
                wanted.setdefault(loc, {})[line.id] = left
        if not wanted:
            raise ValidationFailed(f"Order #{order.number} has nothing left to ship from there.")
        return wanted
    for line_id, quantity in quantities.items():
        asked = lines.get(line_id)
        if asked is None:
            raise ValidationFailed(f"That line is not on order #{order.number}.")
        name = asked.sku or asked.product_title
        left = asked.quantity - asked.fulfilled_quantity
        loc = line_location(order, asked)
        if quantity < 0:
            problems[str(line_id)] = f"{name}: a quantity cannot be negative."
        elif quantity > left:
            problems[str(line_id)] = f"{name}: {quantity} to ship but only {left} left."
        elif location_id is not None and loc != location_id:
            problems[str(line_id)] = f"{name} is fulfilled from another location."
        elif quantity > 0 and loc is not None:
            wanted.setdefault(loc, {})[line_id] = quantity
    if problems:
        raise ValidationFailed(" ".join(problems.values()), fields=problems)
    if not wanted:
        raise ValidationFailed("Choose at least one unit to fulfil.")
    return wanted


def _ship(
    uow: UnitOfWork,
    actor: Actor,
    order: Order,
    lines: Mapping[int, OrderLine],
    wanted: dict[int, dict[int, int]],
    *,
    carrier: str | None,
    tracking_number: str | None,
    tracking_url: str | None,
) -> list[int]:
    reference = Reference.of("order", order.number)
    movements = [
        Movement(variant_id, loc, on_hand=-qty, committed=-qty)
        for loc, per_line in wanted.items()
        for line_id, qty in per_line.items()
        if (variant_id := lines[line_id].variant_id) is not None
    ]
    move_stock(uow, actor, movements, reason=MovementReason.FULFILLED, reference=reference)
    codes = dict(
        uow.session.execute(
            select(Location.id, Location.code).where(Location.id.in_(list(wanted)))
        ).all()
    )
    ids = []
    ordered = sum(ln.quantity for ln in lines.values())
    for loc, per_line in sorted(wanted.items()):
        before = fulfillment_status_for(
            ordered, sum(ln.fulfilled_quantity for ln in lines.values())
        )
        fulfillment = Fulfillment(
            order_id=order.id,
            location_id=loc,
            carrier=carrier,
            tracking_number=tracking_number,
            tracking_url=tracking_url,
            created_by=actor.staff_id,
            lines=[FulfillmentLine(order_line_id=i, quantity=q) for i, q in per_line.items()],
        )
        uow.session.add(fulfillment)
        for line_id, qty in per_line.items():
            lines[line_id].fulfilled_quantity += qty
        uow.session.flush()
        ids.append(fulfillment.id)
        shipped = [
            {"line_id": i, "sku": lines[i].sku, "title": lines[i].product_title, "quantity": q}
            for i, q in per_line.items()
        ]
        after = fulfillment_status_for(ordered, sum(ln.fulfilled_quantity for ln in lines.values()))
        append_history(
            uow,
            actor,
            order,
            history.fulfilled(
                fulfillment.id,
                before=before.value,
                after=after.value,
                location=codes.get(loc),
                carrier=carrier,
                tracking_number=tracking_number,
                lines=shipped,
            ),
        )
        uow.audit(
            actor,
            "order.fulfil",
            "order",
            order.id,
            after={"fulfillment_id": fulfillment.id, "lines": shipped, "tracking": tracking_number},
        )
    emit_availability(uow, [m.variant_id for m in movements])
    return ids


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
