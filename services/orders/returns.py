"""Returns: per line, with what happens to the goods, recorded in the stock ledger.

- restock: back on hand and sellable (``return_restock``);
- damaged: back on hand but held as damaged, not sellable (``damaged``);
- write-off: received and written off at once (``return_restock`` then ``write_off``), so the
  ledger shows the unit came back and where it went.

A return may be linked to the refund that paid for it (``services.payments.refund_order`` with
``return_id``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from models.inventory import Location
from models.money import divide_rounded
from models.orders import OrderLine, Return, ReturnLine
from models.status import MovementReason, ReturnDisposition
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
)
from services.orders.rows import ReturnResult
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ReturnLineInput:
    order_line_id: int
    quantity: int
    disposition: ReturnDisposition
    #: where the goods come back to; the line's own location when None
    location_id: int | None = None


def record_return(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    lines: Sequence[ReturnLineInput],
    *,
    note: str | None = None,
) -> ReturnResult:
    """Record goods coming back, per line, and move stock by each line's disposition.

    Only shipped units not returned yet can come back. Raises ValidationFailed (naming the
    line) for more than that, InvalidTransition when nothing on the order was shipped.
    """
    if not lines:
        raise ValidationFailed("Choose at least one line to return.")
    with uow:
        uow.require(actor, "orders.return")
        order = lock_order(uow, order_id)
        check_action(uow, order, OrderAction.RETURN)
        order_lines = {
            ln.id: ln
            for ln in uow.session.scalars(
                select(OrderLine).where(OrderLine.order_id == order.id).with_for_update()
            )
        }
        problems: dict[str, str] = {}
        asked: dict[int, int] = {}
        for item in lines:
            line = order_lines.get(item.order_line_id)
            if line is None:
                raise ValidationFailed(f"That line is not on order #{order.number}.")
            asked[line.id] = asked.get(line.id, 0) + item.quantity
            name = line.sku or line.product_title
            can = line.fulfilled_quantity - line.returned_quantity
            if item.quantity <= 0:
                problems[str(line.id)] = f"{name}: return 1 or more."
            elif asked[line.id] > can:
                problems[str(line.id)] = (
                    f"{name}: {asked[line.id]} to return but only {can} shipped and not returned."
                )
        if problems:
            raise ValidationFailed(" ".join(problems.values()), fields=problems)
        record = Return(
            order_id=order.id, note=(note or "").strip() or None, created_by=actor.staff_id
        )
        restock: list[Movement] = []
        damaged: list[Movement] = []
        written_off: list[Movement] = []
        refund = 0
        described = []
        for item in lines:
            line = order_lines[item.order_line_id]
            disposition = ReturnDisposition(item.disposition)
            loc = item.location_id or line_location(order, line)
            if loc is None:
                raise ValidationFailed("Choose where the goods come back to.")
            record.lines.append(
                ReturnLine(
                    order_line_id=line.id,
                    quantity=item.quantity,
                    disposition=disposition.value,
                    location_id=loc,
                )
            )
            line.returned_quantity += item.quantity
            refund += _paid_for(line, item.quantity)
            described.append(
                {
                    "line_id": line.id,
                    "sku": line.sku,
                    "title": line.product_title,
                    "quantity": item.quantity,
                    "disposition": disposition.value,
                }
            )
            if line.variant_id is None:
                continue  # the product was deleted: nothing to put back on a shelf
            if disposition is ReturnDisposition.RESTOCK:
                restock.append(Movement(line.variant_id, loc, on_hand=item.quantity))
            elif disposition is ReturnDisposition.DAMAGED:
                damaged.append(
                    Movement(line.variant_id, loc, on_hand=item.quantity, damaged=item.quantity)
                )
            else:
                restock_then_gone = Movement(line.variant_id, loc, on_hand=item.quantity)
                written_off.append(restock_then_gone)
        uow.session.add(record)
        uow.session.flush()
        reference = Reference.of("order", order.number)
        ref_note = f"return {record.id}"
        move_stock(
            uow,
            actor,
            restock,
            reason=MovementReason.RETURN_RESTOCK,
            reference=reference,
            note=ref_note,
        )
        move_stock(
            uow, actor, damaged, reason=MovementReason.DAMAGED, reference=reference, note=ref_note
        )
        if written_off:
            move_stock(
                uow,
                actor,
                written_off,
                reason=MovementReason.RETURN_RESTOCK,
                reference=reference,
                note=ref_note,
            )
            move_stock(
                uow,
                actor,
                [Movement(m.variant_id, m.location_id, on_hand=-m.on_hand) for m in written_off],
                reason=MovementReason.WRITE_OFF,
                reference=reference,
                note=ref_note,
            )
        codes = dict(uow.session.execute(select(Location.id, Location.code)).all())
        append_history(
            uow,
            actor,
            order,
            history.returned(
                record.id,
                lines=described,
                locations=(codes.get(ln.location_id, "") for ln in record.lines),
                suggested_refund=refund,
                note=record.note,
            ),
        )
        uow.audit(
            actor,
            "order.return",
            "order",
            order.id,
            after={"return_id": record.id, "lines": described},
        )
        emit_order_changed(uow, order, "order.returned", {"return_id": record.id})
        emit_availability(uow, [m.variant_id for m in restock])
        result = ReturnResult(record.id, order.id, order.number, refund)
        uow.commit()
        return result


def _paid_for(line: OrderLine, quantity: int) -> int:
    """What ``quantity`` units of the line were paid: price less discount plus tax, pro rata."""
    if line.quantity <= 0:
        return 0
    paid = line.unit_price * line.quantity - line.discount_total + line.tax_total
    return divide_rounded(paid * quantity, line.quantity)
