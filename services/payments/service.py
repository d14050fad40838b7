"""Recording payments and refunding them, as order events.

A refund is three steps so no transaction stays open across the gateway's network call:

1. claim: insert the refund (pending) under its idempotency key and raise the payment's
   ``refunded_amount`` with ``UPDATE ... WHERE refunded_amount + :amount <= captured_amount``;
   commit. A second claim with the same key finds the first instead of refunding again.
2. call the gateway with the same key, no transaction open.
3. settle: mark the refund succeeded or failed (only if still pending), give the claim back on
   failure, append the timeline, update the order's payment status; commit.

A crash between 1 and 3 leaves a pending refund; retrying with the same key resumes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert

from models.money import MoneyFormat
from models.orders import Order
from models.payments import Payment, PaymentTransaction, Refund
from models.status import OrderStatus, RefundStatus
from services.actors import Actor
from services.errors import InvalidTransition, NotFound, ValidationFailed
from services.orders import history
from services.orders.core import (
    append_history,
    emit_order_changed,
    lock_order,
    refresh_payment_status,
)
from services.orders.rows import PaymentRow
from services.payments.gateways import Gateway, GatewayUnavailable, default_gateways
from services.store import money_format
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RefundResult:
    refund_id: int
    order_id: int
    amount: int
    currency: str
    status: str
    message: str
    #: False when the key had been used already and this is that refund again
    new: bool = True


def record_payment(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    amount: int,
    gateway: str = "manual",
    reference: str | None = None,
    note: str | None = None,
) -> PaymentRow:
    """Record money received for an order (captured at once): cash, transfer, terminal.

    Raises ValidationFailed for a non-positive amount, InvalidTransition on a cancelled order.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed("Enter an amount above zero.", fields={"amount": "Above zero"})
    with uow:
        uow.require(actor, "payments.capture")
        order = lock_order(uow, order_id)
        if order.status == OrderStatus.CANCELLED:
            raise InvalidTransition(f"Order #{order.number} is cancelled; it takes no payments.")
        payment = Payment(
            order_id=order.id,
            gateway=gateway,
            gateway_reference=(reference or "").strip() or None,
            status="captured",
            currency=order.currency,
            authorized_amount=amount,
            captured_amount=amount,
        )
        uow.session.add(payment)
        uow.session.flush()
        uow.session.add(
            PaymentTransaction(
                payment_id=payment.id,
                kind="sale",
                amount=amount,
                succeeded=True,
                gateway_reference=payment.gateway_reference,
                message=note,
                staff_id=actor.staff_id,
            )
        )
        before = order.payment_status
        refresh_payment_status(uow, order)
        append_history(
            uow,
            actor,
            order,
            history.payment(
                "paid",
                amount,
                before=before,
                after=order.payment_status,
                gateway=gateway,
                payment_id=payment.id,
                note=(note or "").strip() or None,
            ),
        )
        uow.audit(
            actor,
            "payment.record",
            "order",
            order.id,
            after={"payment_id": payment.id, "amount": amount, "gateway": gateway},
        )
        emit_order_changed(uow, order, "order.paid", {"amount": amount})
        uow.session.flush()
        row = PaymentRow(
            payment.id,
            payment.gateway,
            payment.gateway_reference,
            payment.status,
            payment.authorized_amount,
            payment.captured_amount,
            payment.refunded_amount,
            payment.created_at,
        )
        uow.commit()
        return row


def refund_order(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    amount: int,
    idempotency_key: str,
    reason: str | None = None,
    payment_id: int | None = None,
    return_id: int | None = None,
    gateways: Mapping[str, Gateway] | None = None,
) -> RefundResult:
    """Refund ``amount`` minor units of an order's captured money, once per idempotency key.

    Raises ValidationFailed when the amount is more than is left to refund (the database
    refuses it even against a concurrent refund), GatewayUnavailable when the gateway's answer
    is unknown (the refund stays pending; retry with the same key).
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed("Enter an amount above zero.", fields={"amount": "Above zero"})
    key = idempotency_key.strip()
    if not key:
        raise ValueError("a refund needs an idempotency key")
    gateways = gateways or default_gateways()
    refund_id, new = _claim(uow, actor, order_id, amount, key, reason, payment_id, return_id)
    with uow:
        refund = uow.session.get(Refund, refund_id)
        assert refund is not None
        payment = uow.session.get(Payment, refund.payment_id)
        assert payment is not None
        if refund.status != RefundStatus.PENDING:
            return _result(uow, refund, new=False)
        gateway_name, reference = payment.gateway, payment.gateway_reference
        currency, refund_amount = payment.currency, refund.amount
    gateway = gateways.get(gateway_name)
    if gateway is None:
        raise ValidationFailed(f"The {gateway_name} gateway is not set up on this workstation.")
    outcome = gateway.refund(reference, refund_amount, currency, key)  # no transaction open
    return _settle(
        uow, actor, refund_id, outcome.succeeded, outcome.reference, outcome.message, new=new
    )


def _claim(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    amount: int,
    key: str,
    reason: str | None,
    payment_id: int | None,
    return_id: int | None,
) -> tuple[int, bool]:
    """Step 1: the refund row under its key, and the amount claimed from the payment."""
    with uow:
        uow.require(actor, "orders.refund")
        existing = uow.session.scalar(select(Refund).where(Refund.idempotency_key == key))
        if existing is not None:
            return _same(existing, order_id, amount), False
        order = uow.session.get(Order, order_id)
        if order is None:
            raise NotFound("That order no longer exists.")
        payment = _payment_for(uow, order, amount, payment_id)
        refund_id = uow.session.scalar(
            insert(Refund)
            .values(
                order_id=order.id,
                payment_id=payment.id,
                amount=amount,
                status=RefundStatus.PENDING.value,
                idempotency_key=key,
                reason=(reason or "").strip() or None,
                created_by=actor.staff_id,
            )
            .on_conflict_do_nothing(index_elements=[Refund.idempotency_key])
            .returning(Refund.id)
        )
        if refund_id is None:
            # The same key won a race a moment ago (a double click): that refund is this one.
            uow.rollback()
            existing = uow.session.scalar(select(Refund).where(Refund.idempotency_key == key))
            assert existing is not None
            return _same(existing, order_id, amount), False
        claimed = uow.execute(
            text(
                "UPDATE payments SET refunded_amount = refunded_amount + :amount,"
                " version = version + 1, updated_at = now()"
                " WHERE id = :payment AND refunded_amount + :amount <= captured_amount"
                " RETURNING id"
            ),
            {"amount": amount, "payment": payment.id},
        ).scalar()
        if claimed is None:
            money = _money_format(uow, order.currency)
            left = uow.session.scalar(
                text("SELECT captured_amount - refunded_amount FROM payments WHERE id = :p"),
                {"p": payment.id},
            )
            raise ValidationFailed(
                f"Only {money.format(left)} of that payment is left to refund; "
                f"{money.format(amount)} is too much.",
                fields={"amount": "More than is left"},
            )
        if return_id is not None:
            uow.execute(
                text(
                    "UPDATE returns SET refund_id = :refund, updated_at = now()"
                    " WHERE id = :ret AND order_id = :order AND refund_id IS NULL"
                ),
                {"refund": refund_id, "ret": return_id, "order": order.id},
            )
        uow.audit(
            actor,
            "refund.claim",
            "order",
            order.id,
            after={"refund_id": refund_id, "amount": amount, "key": key},
        )
        uow.commit()
        return refund_id, True


def _payment_for(uow: UnitOfWork, order: Order, amount: int, payment_id: int | None) -> Payment:
    payments = list(
        uow.session.scalars(
            select(Payment).where(Payment.order_id == order.id, Payment.captured_amount > 0)
        )
    )
    if payment_id is not None:
        payments = [p for p in payments if p.id == payment_id]
    if not payments:
        raise ValidationFailed(f"Order #{order.number} has no captured payment to refund.")
    best = max(payments, key=lambda p: (p.captured_amount - p.refunded_amount, -p.id))
    left = best.captured_amount - best.refunded_amount
    if amount > left:
        # Checked again by the conditional UPDATE; this is the friendly early answer.
        money = _money_format(uow, order.currency)
        raise ValidationFailed(
            f"Only {money.format(left)} of order #{order.number}'s payment is "
            f"left to refund; {money.format(amount)} is too much.",
            fields={"amount": "More than is left"},
        )
    return best


def _same(existing: Refund, order_id: int, amount: int) -> int:
    if existing.order_id != order_id or existing.amount != amount:
        raise ValidationFailed(
            "That refund key was already used for a different refund; start a new refund."
        )
    return existing.id


def _settle(
    uow: UnitOfWork,
    actor: Actor,
    refund_id: int,
    succeeded: bool,
    reference: str | None,
    message: str | None,
    *,
    new: bool,
) -> RefundResult:
    """Step 3: record the gateway's answer once, whoever gets here first."""
    status = RefundStatus.SUCCEEDED if succeeded else RefundStatus.FAILED
    with uow:
        settled = uow.execute(
            text(
                "UPDATE refunds SET status = :status, gateway_reference = :reference,"
                " failure_message = :failure, updated_at = now()"
                " WHERE id = :id AND status = 'pending' RETURNING order_id, payment_id, amount"
            ),
            {
                "status": status.value,
                "reference": reference,
                "failure": None if succeeded else (message or "Refused by the payment provider"),
                "id": refund_id,
            },
        ).one_or_none()
        if settled is None:  # another attempt settled it meanwhile
            refund = uow.session.get(Refund, refund_id)
            assert refund is not None
            return _result(uow, refund, new=False)
        order_id, payment_id, amount = settled
        if not succeeded:
            uow.execute(
                text(
                    "UPDATE payments SET refunded_amount = refunded_amount - :amount,"
                    " version = version + 1, updated_at = now() WHERE id = :payment"
                ),
                {"amount": amount, "payment": payment_id},
            )
        key = uow.session.scalar(select(Refund.idempotency_key).where(Refund.id == refund_id))
        uow.session.add(
            PaymentTransaction(
                payment_id=payment_id,
                kind="refund",
                amount=amount,
                succeeded=succeeded,
                idempotency_key=key,
                gateway_reference=reference,
                message=message,
                staff_id=actor.staff_id,
            )
        )
        order = lock_order(uow, order_id)
        before = order.payment_status
        refresh_payment_status(uow, order)
        reason = uow.session.scalar(select(Refund.reason).where(Refund.id == refund_id))
        append_history(
            uow,
            actor,
            order,
            history.refund(
                amount,
                status.value,
                before=before,
                after=order.payment_status,
                refund_id=refund_id,
                note=reason if succeeded else (message or "Refused by the payment provider"),
            ),
        )
        uow.audit(
            actor,
            f"refund.{status.value}",
            "order",
            order.id,
            after={"refund_id": refund_id, "amount": amount},
        )
        emit_order_changed(uow, order, "order.refunded", {"amount": amount, "succeeded": succeeded})
        refund = uow.session.get(Refund, refund_id, populate_existing=True)
        assert refund is not None
        result = _result(uow, refund, new=new)
        uow.commit()
        return result


def _result(uow: UnitOfWork, refund: Refund, *, new: bool) -> RefundResult:
    payment = uow.session.get(Payment, refund.payment_id)
    assert payment is not None
    money = _money_format(uow, payment.currency).format(refund.amount)
    message = {
        RefundStatus.SUCCEEDED: f"Refunded {money}.",
        RefundStatus.FAILED: f"The refund of {money} failed: {refund.failure_message}",
        RefundStatus.PENDING: f"The refund of {money} is waiting for the payment provider.",
    }[RefundStatus(refund.status)]
    return RefundResult(
        refund.id, refund.order_id, refund.amount, payment.currency, refund.status, message, new
    )


def _money_format(uow: UnitOfWork, currency: str) -> MoneyFormat:
    """How the store writes amounts of ``currency`` (an order's, a payment's)."""
    return money_format(uow.session).in_currency(currency)


__all__ = ["GatewayUnavailable", "RefundResult", "record_payment", "refund_order"]
