"""Internals shared by the order services: locking, state, history, events.

Every mutation locks the order row first (``SELECT ... FOR UPDATE``) and decides on what it
finds then, so two people acting on one order at once are serialised and the second one is
refused with the order's real state instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, text

from models.orders import Order, OrderHistory, OrderLine
from models.payments import Payment
from models.status import (
    ORDER_TRANSITIONS,
    FulfillmentStatus,
    OrderStatus,
    PaymentStatus,
    fulfillment_status_for,
)
from services import events
from services.actors import Actor
from services.errors import InvalidTransition, NotFound
from services.orders import history
from services.orders.actions import (
    ACTION_TARGETS,
    OrderAction,
    OrderState,
    allowed_actions,
    refusal,
)
from services.orders.history import Event
from services.unit_of_work import UnitOfWork


def lock_order(uow: UnitOfWork, order_id: int) -> Order:
    """The order, locked until the unit of work ends. Raises NotFound."""
    order = uow.session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        raise NotFound("That order no longer exists.")
    return order


def payment_totals(uow: UnitOfWork, order_id: int) -> tuple[int, int, int, bool]:
    """(authorized, captured, refunded, any voided) over the order's payments."""
    row = uow.session.execute(
        select(
            func.coalesce(func.sum(Payment.authorized_amount), 0),
            func.coalesce(func.sum(Payment.captured_amount), 0),
            func.coalesce(func.sum(Payment.refunded_amount), 0),
            func.coalesce(func.bool_or(Payment.status == "voided"), False),
        ).where(Payment.order_id == order_id, Payment.status != "failed")
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), bool(row[3])


def payment_status_for(
    total: int, authorized: int, captured: int, refunded: int, voided: bool = False
) -> PaymentStatus:
    """An order's payment status from its money figures (pure; minor units)."""
    if captured > 0:
        if refunded >= captured:
            return PaymentStatus.REFUNDED
        if refunded > 0:
            return PaymentStatus.PARTIALLY_REFUNDED
        return PaymentStatus.PAID if captured >= total else PaymentStatus.PARTIALLY_PAID
    if authorized > 0 and not voided:
        return PaymentStatus.AUTHORIZED
    if voided:
        return PaymentStatus.VOIDED
    return PaymentStatus.PENDING


def state_of(uow: UnitOfWork, order: Order) -> OrderState:
    """The order's state as ``allowed_actions`` reads it (flushes pending changes first)."""
    uow.session.flush()
    ordered, fulfilled, returned = uow.session.execute(
        select(
            func.coalesce(func.sum(OrderLine.quantity), 0),
            func.coalesce(func.sum(OrderLine.fulfilled_quantity), 0),
            func.coalesce(func.sum(OrderLine.returned_quantity), 0),
        ).where(OrderLine.order_id == order.id)
    ).one()
    _, captured, refunded, _ = payment_totals(uow, order.id)
    return OrderState(
        number=order.number,
        status=OrderStatus(order.status),
        payment_status=PaymentStatus(order.payment_status),
        fulfillment_status=FulfillmentStatus(order.fulfillment_status),
        unfulfilled_quantity=int(ordered) - int(fulfilled),
        returnable_quantity=int(fulfilled) - int(returned),
        refundable=captured - refunded,
        balance_due=order.total - (captured - refunded),
    )


def check_action(uow: UnitOfWork, order: Order, action: OrderAction) -> OrderState:
    """Raise InvalidTransition (why, and what is possible) unless ``action`` is allowed now."""
    state = state_of(uow, order)
    if action not in allowed_actions(state):
        raise InvalidTransition(refusal(state, action))
    return state


def refresh_fulfillment_status(uow: UnitOfWork, order: Order) -> FulfillmentStatus:
    uow.session.flush()
    ordered, fulfilled = uow.session.execute(
        select(
            func.coalesce(func.sum(OrderLine.quantity), 0),
            func.coalesce(func.sum(OrderLine.fulfilled_quantity), 0),
        ).where(OrderLine.order_id == order.id)
    ).one()
    status = fulfillment_status_for(int(ordered), int(fulfilled))
    order.fulfillment_status = status.value
    return status


def refresh_payment_status(uow: UnitOfWork, order: Order) -> PaymentStatus:
    uow.session.flush()
    authorized, captured, refunded, voided = payment_totals(uow, order.id)
    status = payment_status_for(order.total, authorized, captured, refunded, voided)
    order.payment_status = status.value
    return status


def append_history(uow: UnitOfWork, actor: Actor, order: Order, event: Event) -> None:
    """Append one event to the order's timeline (the table refuses changes afterwards).

    ``event`` comes from the builders in ``services.orders.history``, which document each shape.
    """
    payload = dict(event.data)
    if actor.staff_id is None:
        payload.setdefault("actor", actor.name)
    uow.session.add(
        OrderHistory(
            order_id=order.id,
            staff_id=actor.staff_id,
            kind=event.kind,
            from_status=event.from_status,
            to_status=event.to_status,
            note=event.note,
            data=payload,
        )
    )


def transition(
    uow: UnitOfWork, actor: Actor, order: Order, target: OrderStatus, *, note: str | None = None
) -> None:
    """Move ``order`` to ``target`` along the transitions table; record, audit and announce it.

    Raises InvalidTransition with the reason and the possible moves; nothing changes then.
    """
    current = OrderStatus(order.status)
    if target not in ORDER_TRANSITIONS[current]:
        action = next(a for a, t in ACTION_TARGETS.items() if t is target)
        raise InvalidTransition(refusal(state_of(uow, order), action))
    order.status = target.value
    append_history(uow, actor, order, history.status_changed(current.value, target.value, note))
    uow.audit(
        actor,
        f"order.{target.value}",
        "order",
        order.id,
        before={"status": current.value},
        after={"status": target.value},
        note=note,
    )
    emit_order_changed(uow, order, events.ORDER_STATUS_CHANGED, {"from": current, "to": target})


def emit_order_changed(
    uow: UnitOfWork, order: Order, kind: events.EventType, payload: dict[str, Any] | None = None
) -> None:
    """Tell the storefront and other workstations the order changed (after commit): where
    the order stands now, and what ``kind`` of change adds (``payload``)."""
    uow.emit(
        kind(
            order.id,
            {
                "number": order.number,
                "status": order.status,
                "payment_status": order.payment_status,
                "fulfillment_status": order.fulfillment_status,
                **(payload or {}),
            },
            tags={"order": [str(order.number)]},
        )
    )


def emit_availability(uow: UnitOfWork, variant_ids: Iterable[int]) -> None:
    """Announce that stock available to sell changed for these variants."""
    ids = sorted({v for v in variant_ids if v is not None})
    if not ids:
        return
    rows = uow.session.execute(
        text("SELECT id, sku FROM variants WHERE id = ANY(:ids)"), {"ids": ids}
    ).all()
    uow.emit_many(
        events.AVAILABILITY_CHANGED(r.id, {"sku": r.sku}, tags={"sku": [r.sku]}) for r in rows
    )


def line_location(order: Order, line: OrderLine) -> int | None:
    return line.location_id if line.location_id is not None else order.location_id
