"""Payments on orders: recording payments and refunding them through a gateway adapter.

A refund never exceeds what was captured minus what was already refunded: the amount is
claimed by a conditional UPDATE on ``payments.refunded_amount`` (with a CHECK behind it) before
the gateway is called, so concurrent refunds cannot overdraw, and the idempotency key makes a
double-clicked refund refund once.
"""

from services.payments.gateways import (
    Gateway,
    GatewayResult,
    GatewayUnavailable,
    ManualGateway,
    default_gateways,
)
from services.payments.service import RefundResult, record_payment, refund_order

__all__ = [
    "Gateway",
    "GatewayResult",
    "GatewayUnavailable",
    "ManualGateway",
    "RefundResult",
    "default_gateways",
    "record_payment",
    "refund_order",
]
