"""Payments through a gateway, their refunds, the transaction log and received webhooks.

A refund never exceeds what was captured minus what was already refunded: ``refunded_amount``
is raised by a conditional UPDATE and a CHECK backs it, so concurrent refunds cannot overdraw.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, MinorUnits, Timestamped, Versioned
from models.status import RefundStatus, check_in


class Payment(Versioned, Timestamped, Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'authorized', 'captured', 'partially_captured', 'voided',"
            " 'failed')",
            name="status",
        ),
        CheckConstraint("captured_amount BETWEEN 0 AND authorized_amount", name="capture_range"),
        CheckConstraint("refunded_amount BETWEEN 0 AND captured_amount", name="refund_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    gateway: Mapped[str] = mapped_column(Text)
    #: the gateway's id for the payment (a Stripe PaymentIntent id)
    gateway_reference: Mapped[str | None] = mapped_column(Text, unique=True)
    status: Mapped[str] = mapped_column(Text, default="pending", server_default="pending")
    currency: Mapped[str] = mapped_column(Text)
    authorized_amount: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    captured_amount: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    refunded_amount: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")


class Refund(Timestamped, Base):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint(check_in("status", RefundStatus), name="status"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[str] = mapped_column(
        Text, default=RefundStatus.PENDING, server_default=RefundStatus.PENDING.value
    )
    #: a double-clicked or retried refund carries the same key and refunds once
    idempotency_key: Mapped[str] = mapped_column(Text, unique=True)
    gateway_reference: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    failure_message: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class PaymentTransaction(Base):
    """Every call to the gateway and its outcome. Append-only."""

    __tablename__ = "payment_transactions"
    __table_args__ = (
        CheckConstraint("kind IN ('authorize', 'capture', 'void', 'refund', 'sale')", name="kind"),
        Index("ix_payment_transactions_payment_id", "payment_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    kind: Mapped[str] = mapped_column(Text)
    amount: Mapped[int] = mapped_column(MinorUnits)
    succeeded: Mapped[bool]
    idempotency_key: Mapped[str | None] = mapped_column(Text)
    gateway_reference: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())


class GatewayEvent(Base):
    """A verified gateway webhook, stored once by its event id and processed idempotently."""

    __tablename__ = "gateway_events"

    event_id: Mapped[str] = mapped_column(Text, primary_key=True)
    gateway: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
    processed_at: Mapped[datetime | None]
