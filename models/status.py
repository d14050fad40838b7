"""Statuses, reason codes and their allowed transitions, declared once.

Services call ``require_transition`` before changing a status; views ask the same tables which
actions to enable. Database CHECK constraints are built from the same enums (``check_in``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

S = TypeVar("S", bound=StrEnum)


def check_in(column: str, values: type[StrEnum]) -> str:
    """SQL for a CHECK constraint that keeps ``column`` within an enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class ProductStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class InventoryPolicy(StrEnum):
    DENY = "deny"
    CONTINUE = "continue"


class StockState(StrEnum):
    """The figures kept per variant and location, Shopify's inventory states."""

    ON_HAND = "on_hand"
    COMMITTED = "committed"
    DAMAGED = "damaged"
    QUALITY_CONTROL = "quality_control"
    SAFETY_STOCK = "safety_stock"
    OTHER_UNAVAILABLE = "other_unavailable"
    INCOMING = "incoming"


UNAVAILABLE_STATES = (
    StockState.DAMAGED,
    StockState.QUALITY_CONTROL,
    StockState.SAFETY_STOCK,
    StockState.OTHER_UNAVAILABLE,
)


class MovementReason(StrEnum):
    """Why stock moved; every ledger row carries one."""

    CORRECTION = "correction"
    COUNT = "count"
    RECEIVED = "received"
    RETURN_RESTOCK = "return_restock"
    DAMAGED = "damaged"
    THEFT_OR_LOSS = "theft_or_loss"
    PROMOTION_OR_DONATION = "promotion_or_donation"
    OTHER = "other"
    IMPORT = "import"
    RESERVED = "reserved"
    RELEASED = "released"
    FULFILLED = "fulfilled"
    TRANSFER_SHIPPED = "transfer_shipped"
    TRANSFER_RECEIVED = "transfer_received"
    TRANSFER_CANCELLED = "transfer_cancelled"
    PURCHASE_ORDERED = "purchase_ordered"
    PURCHASE_CANCELLED = "purchase_cancelled"
    STATE_CHANGE = "state_change"
    WRITE_OFF = "write_off"


class OrderStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"


class FulfillmentStatus(StrEnum):
    UNFULFILLED = "unfulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"


class TransferStatus(StrEnum):
    DRAFT = "draft"
    SHIPPED = "shipped"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class PurchaseOrderStatus(StrEnum):
    DRAFT = "draft"
    ORDERED = "ordered"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class CountStatus(StrEnum):
    OPEN = "open"
    POSTED = "posted"
    CANCELLED = "cancelled"


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ReturnDisposition(StrEnum):
    RESTOCK = "restock"
    DAMAGED = "damaged"
    WRITE_OFF = "write_off"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.CONFIRMED, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.PROCESSING, OrderStatus.CANCELLED}),
    OrderStatus.PROCESSING: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def order_transition_pairs() -> set[tuple[str, str]]:
    """Every allowed (from, to) order status pair: what the database's trigger allows too."""
    return {(old.value, new.value) for old, targets in ORDER_TRANSITIONS.items() for new in targets}


TRANSFER_TRANSITIONS: dict[TransferStatus, frozenset[TransferStatus]] = {
    TransferStatus.DRAFT: frozenset({TransferStatus.SHIPPED, TransferStatus.CANCELLED}),
    TransferStatus.SHIPPED: frozenset(
        {TransferStatus.PARTIALLY_RECEIVED, TransferStatus.RECEIVED, TransferStatus.CANCELLED}
    ),
    TransferStatus.PARTIALLY_RECEIVED: frozenset(
        {TransferStatus.PARTIALLY_RECEIVED, TransferStatus.RECEIVED, TransferStatus.CANCELLED}
    ),
    TransferStatus.RECEIVED: frozenset(),
    TransferStatus.CANCELLED: frozenset(),
}

PURCHASE_ORDER_TRANSITIONS: dict[PurchaseOrderStatus, frozenset[PurchaseOrderStatus]] = {
    PurchaseOrderStatus.DRAFT: frozenset(
        {PurchaseOrderStatus.ORDERED, PurchaseOrderStatus.CANCELLED}
    ),
    PurchaseOrderStatus.ORDERED: frozenset(
        {
            PurchaseOrderStatus.PARTIALLY_RECEIVED,
            PurchaseOrderStatus.RECEIVED,
            PurchaseOrderStatus.CANCELLED,
        }
    ),
    PurchaseOrderStatus.PARTIALLY_RECEIVED: frozenset(
        {
            PurchaseOrderStatus.PARTIALLY_RECEIVED,
            PurchaseOrderStatus.RECEIVED,
            PurchaseOrderStatus.CANCELLED,
        }
    ),
    PurchaseOrderStatus.RECEIVED: frozenset(),
    PurchaseOrderStatus.CANCELLED: frozenset(),
}

COUNT_TRANSITIONS: dict[CountStatus, frozenset[CountStatus]] = {
    CountStatus.OPEN: frozenset({CountStatus.POSTED, CountStatus.CANCELLED}),
    CountStatus.POSTED: frozenset(),
    CountStatus.CANCELLED: frozenset(),
}


class IllegalTransition(Exception):
    """A status change its transitions table does not allow.

    ``services.errors.InvalidTransition`` is what services raise; this is the pure check.
    """

    def __init__(self, current: StrEnum, target: StrEnum, allowed: frozenset[StrEnum]) -> None:
        self.current, self.target, self.allowed = current, target, allowed
        super().__init__(f"{current} -> {target}")


def can_transition(table: dict[S, frozenset[S]], current: S, target: S) -> bool:
    return target in table[current]


def require_transition(table: dict[S, frozenset[S]], current: S, target: S) -> None:
    if target not in table[current]:
        raise IllegalTransition(current, target, frozenset(table[current]))


def fulfillment_status_for(ordered: int, fulfilled: int) -> FulfillmentStatus:
    """An order's fulfillment status from its quantities (cancelled lines excluded)."""
    if fulfilled <= 0:
        return FulfillmentStatus.UNFULFILLED
    if fulfilled < ordered:
        return FulfillmentStatus.PARTIALLY_FULFILLED
    return FulfillmentStatus.FULFILLED
