"""What order queries and services return: frozen rows, never live ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.orders.actions import OrderState


@dataclass(frozen=True)
class OrderRow:
    """One line of the order list."""

    id: int
    number: int
    placed_at: datetime
    customer_name: str
    email: str | None
    channel: str
    status: str
    payment_status: str
    fulfillment_status: str
    total: int
    currency: str
    item_count: int
    location_code: str | None


@dataclass(frozen=True)
class CustomerSummary:
    id: int
    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class LineDetail:
    id: int
    variant_id: int | None
    sku: str | None
    product_title: str
    variant_title: str | None
    quantity: int
    fulfilled_quantity: int
    returned_quantity: int
    unit_price: int
    discount_total: int
    tax_total: int
    location_id: int | None
    location_code: str | None
    bin_code: str | None
    #: the location's name, as people know it ("Portland warehouse", not "WH-PDX")
    location_name: str | None = None

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity

    @property
    def total(self) -> int:
        return self.subtotal - self.discount_total + self.tax_total

    @property
    def unfulfilled(self) -> int:
        return self.quantity - self.fulfilled_quantity

    @property
    def returnable(self) -> int:
        return self.fulfilled_quantity - self.returned_quantity


@dataclass(frozen=True)
class PaymentRow:
    id: int
    gateway: str
    gateway_reference: str | None
    status: str
    authorized_amount: int
    captured_amount: int
    refunded_amount: int
    created_at: datetime

    @property
    def refundable(self) -> int:
        return self.captured_amount - self.refunded_amount


@dataclass(frozen=True)
class RefundRow:
    id: int
    payment_id: int
    amount: int
    status: str
    reason: str | None
    created_at: datetime
    created_by: str | None
    #: the gateway's id of the refund (Stripe's re_...), what the Reference column shows
    gateway_reference: str | None = None


@dataclass(frozen=True)
class FulfillmentLineRow:
    order_line_id: int
    sku: str | None
    title: str
    quantity: int


@dataclass(frozen=True)
class FulfillmentRow:
    id: int
    location_code: str
    status: str
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    created_at: datetime
    created_by: str | None
    lines: tuple[FulfillmentLineRow, ...]
    location_name: str = ""


@dataclass(frozen=True)
class ReturnLineRow:
    order_line_id: int
    sku: str | None
    title: str
    quantity: int
    disposition: str
    location_code: str


@dataclass(frozen=True)
class ReturnRow:
    id: int
    refund_id: int | None
    note: str | None
    created_at: datetime
    created_by: str | None
    lines: tuple[ReturnLineRow, ...]
    #: the amount of the refund the return made, when it made one
    refund_amount: int | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One event on the order's timeline."""

    id: int
    occurred_at: datetime
    kind: str
    staff_name: str | None
    from_status: str | None
    to_status: str | None
    note: str | None
    summary: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Totals:
    subtotal: int
    discount_total: int
    shipping_total: int
    tax_total: int
    total: int


@dataclass(frozen=True)
class OrderDetail:
    id: int
    number: int
    version: int
    currency: str
    channel: str
    placed_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    email: str | None
    note: str | None
    customer: CustomerSummary | None
    shipping_address: dict[str, Any] | None
    billing_address: dict[str, Any] | None
    location_id: int | None
    location_code: str | None
    lines: tuple[LineDetail, ...]
    totals: Totals
    #: captured minus refunded: what the store holds for this order
    paid: int
    payments: tuple[PaymentRow, ...]
    refunds: tuple[RefundRow, ...]
    fulfillments: tuple[FulfillmentRow, ...]
    returns: tuple[ReturnRow, ...]
    timeline: tuple[HistoryEntry, ...]
    state: OrderState
    location_name: str | None = None

    @property
    def status(self) -> str:
        return self.state.status.value

    @property
    def payment_status(self) -> str:
        return self.state.payment_status.value

    @property
    def fulfillment_status(self) -> str:
        return self.state.fulfillment_status.value

    @property
    def balance_due(self) -> int:
        """Positive: the customer owes this; negative: the store owes a refund."""
        return self.state.balance_due

    @property
    def customer_name(self) -> str:
        if self.customer:
            return self.customer.name
        return self.email or "Guest"


@dataclass(frozen=True)
class TransitionResult:
    order_id: int
    number: int
    status: str
    fulfillment_status: str
    version: int


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did to one order: each order all-or-nothing, on its own."""

    order_id: int
    number: int | None
    ok: bool
    message: str


@dataclass(frozen=True)
class FulfillmentResult:
    fulfillment_ids: tuple[int, ...]
    order_id: int
    number: int
    status: str
    fulfillment_status: str


@dataclass(frozen=True)
class EditResult:
    order_id: int
    number: int
    version: int
    total_before: int
    total_after: int
    #: positive: the customer owes this now; negative: the store owes a refund
    balance_due: int

    @property
    def difference(self) -> int:
        return self.total_after - self.total_before


@dataclass(frozen=True)
class ReturnResult:
    return_id: int
    order_id: int
    number: int
    #: what the returned lines were paid (price less discount plus tax), to offer as refund
    suggested_refund: int


@dataclass(frozen=True)
class CreatedOrder:
    id: int
    number: int
    total: int
