"""Moving orders through pending -> confirmed -> processing -> shipped -> delivered, or cancelling.

Each service is one user action and one transaction: it locks the order, checks the action
against ``allowed_actions`` (which reads ``models.status.ORDER_TRANSITIONS``), changes stock only
through the ledger, appends the timeline, audits, writes an outbox event and commits once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from models.orders import Order, OrderLine
from models.status import MovementReason, OrderStatus
from services.actors import Actor
from services.errors import DomainError, ValidationFailed
from services.inventory.ledger import Movement, Reference, move_stock
from services.orders import history
from services.orders.actions import ACTION_PERMISSIONS, OrderAction
from services.orders.core import (
    append_history,
    check_action,
    emit_availability,
    line_location,
    lock_order,
    transition,
)
from services.orders.rows import BulkResult, TransitionResult
from services.promotions import give_back
from services.unit_of_work import UnitOfWork


def confirm_order(
    uow: UnitOfWork, actor: Actor, order_id: int, *, note: str | None = None
) -> TransitionResult:
    """pending -> confirmed. Raises InvalidTransition from any other status."""
    return _step(uow, actor, order_id, OrderAction.CONFIRM, OrderStatus.CONFIRMED, note)


def start_processing(
    uow: UnitOfWork, actor: Actor, order_id: int, *, note: str | None = None
) -> TransitionResult:
    """confirmed -> processing (picking and packing begin)."""
    return _step(uow, actor, order_id, OrderAction.START_PROCESSING, OrderStatus.PROCESSING, note)


def mark_delivered(
    uow: UnitOfWork, actor: Actor, order_id: int, *, note: str | None = None
) -> TransitionResult:
    """shipped -> delivered."""
    return _step(uow, actor, order_id, OrderAction.MARK_DELIVERED, OrderStatus.DELIVERED, note)


def _step(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    action: OrderAction,
    target: OrderStatus,
    note: str | None,
) -> TransitionResult:
    with uow:
        uow.require(actor, ACTION_PERMISSIONS[action])
        order = lock_order(uow, order_id)
        check_action(uow, order, action)
        transition(uow, actor, order, target, note=note)
        result = _result(uow, order)
        uow.commit()
        return result


def cancel_order(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    reason: str,
    restock: bool = False,
) -> TransitionResult:
    """Cancel an order that has not shipped.

    Stock committed to unfulfilled quantities is released (ledger reason ``released``). With
    ``restock``, quantities already fulfilled (a partial shipment that came back or never left)
    go back on hand (``return_restock``) and count as returned. Payments are not refunded here:
    the order then shows what the store owes. Raises InvalidTransition once shipped.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Say why the order is cancelled.", fields={"reason": "Required"})
    with uow:
        uow.require(actor, "orders.cancel")
        order = lock_order(uow, order_id)
        check_action(uow, order, OrderAction.CANCEL)
        reference = Reference.of("order", order.number)
        lines = _lines(uow, order.id)
        released = [
            Movement(ln.variant_id, loc, committed=-(ln.quantity - ln.fulfilled_quantity))
            for ln in lines
            if ln.variant_id is not None
            and (loc := line_location(order, ln)) is not None
            and ln.quantity > ln.fulfilled_quantity
        ]
        move_stock(uow, actor, released, reason=MovementReason.RELEASED, reference=reference)
        restocked: list[Movement] = []
        if restock:
            for line in lines:
                back = line.fulfilled_quantity - line.returned_quantity
                loc = line_location(order, line)
                if back > 0 and line.variant_id is not None and loc is not None:
                    restocked.append(Movement(line.variant_id, loc, on_hand=back))
                    line.returned_quantity += back
            move_stock(
                uow, actor, restocked, reason=MovementReason.RETURN_RESTOCK, reference=reference
            )
        order.cancelled_at = datetime.now(UTC)
        order.cancel_reason = reason
        give_back(uow, order_id=order.id)  # its promotion uses and single-use codes
        transition(uow, actor, order, OrderStatus.CANCELLED, note=reason)
        append_history(
            uow,
            actor,
            order,
            history.stock_released(
                {m.variant_id: -m.committed for m in released},
                {m.variant_id: m.on_hand for m in restocked},
            ),
        )
        emit_availability(uow, [m.variant_id for m in (*released, *restocked)])
        result = _result(uow, order)
        uow.commit()
        return result


def add_note(uow: UnitOfWork, actor: Actor, order_id: int, text: str) -> None:
    """Add a note to the order's timeline."""
    text = text.strip()
    if not text:
        raise ValidationFailed("A note needs some text.", fields={"text": "Required"})
    with uow:
        uow.require(actor, "orders.edit")
        order = lock_order(uow, order_id)
        append_history(uow, actor, order, history.noted(text))
        uow.audit(actor, "order.note", "order", order.id, after={"note": text})
        uow.emit(
            "order.note_added", "order", order.id, payload={"number": order.number}, public=False
        )
        uow.commit()


#: the bulk actions a list selection offers, each a single-order service
BULK_ACTIONS: dict[OrderAction, Callable[..., TransitionResult]] = {
    OrderAction.CONFIRM: confirm_order,
    OrderAction.START_PROCESSING: start_processing,
    OrderAction.MARK_DELIVERED: mark_delivered,
    OrderAction.CANCEL: cancel_order,
}


def bulk_action(
    uow: UnitOfWork,
    actor: Actor,
    order_ids: Sequence[int],
    action: OrderAction,
    *,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[BulkResult]:
    """Apply ``action`` to each order on its own: each all-or-nothing, one result per order.

    An order that cannot take the action is reported with the reason and left as it was; the
    others go ahead. ``reason`` is required for cancelling.
    """
    if action not in BULK_ACTIONS and action is not OrderAction.SHIP:
        raise ValidationFailed(f"{action.replace('_', ' ').capitalize()} is not a bulk action.")
    results: list[BulkResult] = []
    for done, order_id in enumerate(order_ids, start=1):
        try:
            if action is OrderAction.CANCEL:
                outcome = cancel_order(uow, actor, order_id, reason=reason or "")
            elif action is OrderAction.SHIP:
                from services.orders.fulfillment import ship_order

                shipped = ship_order(uow, actor, order_id)
                outcome = TransitionResult(
                    shipped.order_id, shipped.number, shipped.status, shipped.fulfillment_status, 0
                )
            else:
                outcome = BULK_ACTIONS[action](uow, actor, order_id)
            results.append(
                BulkResult(order_id, outcome.number, True, f"#{outcome.number}: {outcome.status}")
            )
        except DomainError as error:
            results.append(BulkResult(order_id, _number(uow, order_id), False, error.message))
        if progress:
            progress(done, len(order_ids))
    return results


def _number(uow: UnitOfWork, order_id: int) -> int | None:
    with uow:
        return uow.session.scalar(select(Order.number).where(Order.id == order_id))


def _lines(uow: UnitOfWork, order_id: int) -> list[OrderLine]:
    return list(
        uow.session.scalars(
            select(OrderLine)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.id)
            .with_for_update()
        )
    )


def _result(uow: UnitOfWork, order: Order) -> TransitionResult:
    uow.session.flush()
    return TransitionResult(
        order.id, order.number, order.status, order.fulfillment_status, order.version
    )
