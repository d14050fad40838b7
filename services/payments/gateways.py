"""Payment gateways: the protocol every adapter follows, and the offline one.

Every mutating call carries an idempotency key, so a retried call (a double click, a crash
between the call and recording its result) does its work once. The manual gateway is for
money that moves outside the app (cash, bank transfer, card terminal): it records, it does not
call anyone. The Stripe adapter (a later issue) implements the same protocol over httpx.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from services.errors import DomainError


@dataclass(frozen=True)
class GatewayResult:
    succeeded: bool
    #: the gateway's id for what it did (a Stripe refund id)
    reference: str | None = None
    message: str | None = None


class GatewayUnavailable(DomainError):
    """The gateway did not answer: the outcome is unknown and a retry with the same key is
    safe."""

    title = "Payment provider unreachable"
    status = 503
    code = "gateway_unavailable"


class Gateway(Protocol):
    """What the payment services need from a gateway adapter."""

    name: str

    def refund(
        self, payment_reference: str | None, amount: int, currency: str, idempotency_key: str
    ) -> GatewayResult:
        """Refund ``amount`` minor units of a captured payment. Raises GatewayUnavailable when
        the outcome is unknown (timeout, connection lost)."""
        ...


class ManualGateway:
    """Money moved by hand: refunds are paid out at the counter or by bank transfer."""

    name = "manual"

    def refund(
        self, payment_reference: str | None, amount: int, currency: str, idempotency_key: str
    ) -> GatewayResult:
        # Deterministic in the key: a retry of the same refund yields the same reference.
        return GatewayResult(True, f"manual-refund-{idempotency_key}", "Refunded by hand")


def default_gateways() -> dict[str, Gateway]:
    return {"manual": ManualGateway()}
