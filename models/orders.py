"""Orders: the order and its lines, the append-only history, fulfillments and returns.

An order has three separate statuses: its lifecycle (``status``), its payment status and its
fulfillment status (derived from quantities, stored for filtering). Lines snapshot SKU, titles
and prices at order time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, MinorUnits, Timestamped, Versioned
from models.status import (
    FulfillmentStatus,
    OrderStatus,
    PaymentStatus,
    ReturnDisposition,
    check_in,
)

ORDER_NUMBERS = Sequence("order_number_seq", start=1001, metadata=Base.metadata)


class Order(Versioned, Timestamped, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(check_in("status", OrderStatus), name="status"),
        CheckConstraint(check_in("payment_status", PaymentStatus), name="payment_status"),
        CheckConstraint(
            check_in("fulfillment_status", FulfillmentStatus), name="fulfillment_status"
        ),
        CheckConstraint(
            "total = subtotal - discount_total + shipping_total + tax_total", name="total_adds_up"
        ),
        CheckConstraint("channel IN ('online', 'phone', 'email', 'pos', 'manual')", name="channel"),
        Index("ix_orders_placed_at_id", "placed_at", "id"),
        Index(
            "ix_orders_status_payment_fulfillment", "status", "payment_status", "fulfillment_status"
        ),
        # infix search of the address guests checked out with; registered customers' addresses
        # are searched through the customers' own trigram index
        Index(
            "ix_orders_guest_email_trgm",
            "email",
            postgresql_using="gin",
            postgresql_ops={"email": "gin_trgm_ops"},
            postgresql_where=text("customer_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(
        BigInteger, unique=True, server_default=ORDER_NUMBERS.next_value()
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    email: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(Text, default="online", server_default="online")
    currency: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        Text, default=OrderStatus.PENDING, server_default=OrderStatus.PENDING.value
    )
    payment_status: Mapped[str] = mapped_column(
        Text, default=PaymentStatus.PENDING, server_default=PaymentStatus.PENDING.value
    )
    fulfillment_status: Mapped[str] = mapped_column(
        Text,
        default=FulfillmentStatus.UNFULFILLED,
        server_default=FulfillmentStatus.UNFULFILLED.value,
    )
    subtotal: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    discount_total: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    shipping_total: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    tax_total: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    total: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    shipping_address: Mapped[dict[str, Any] | None]
    billing_address: Mapped[dict[str, Any] | None]
    #: the location that fulfils the order unless a line says otherwise
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    note: Mapped[str | None] = mapped_column(Text)
    #: the storefront's Idempotency-Key: a retried placement returns this order
    idempotency_key: Mapped[str | None] = mapped_column(Text, unique=True)
    placed_at: Mapped[datetime] = mapped_column(server_default=func.now())
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )


# E-mail lookups, exact (a full address typed or pasted) and by prefix ("ada@exa"): a trigram
# index is slow for those when every address shares "@example.com"-like trigrams.
Index(
    "ix_orders_email_lower",
    func.lower(Order.email).label("email_lower"),
    postgresql_ops={"email_lower": "text_pattern_ops"},
)


class OrderStatusTransition(Base):
    """An allowed (from, to) order status pair, copied from ``ORDER_TRANSITIONS`` by the
    migrations: the trigger on ``orders`` refuses any other change of status."""

    __tablename__ = "order_status_transitions"

    from_status: Mapped[str] = mapped_column(Text, primary_key=True)
    to_status: Mapped[str] = mapped_column(Text, primary_key=True)


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("fulfilled_quantity BETWEEN 0 AND quantity", name="fulfilled_range"),
        CheckConstraint(
            "returned_quantity BETWEEN 0 AND fulfilled_quantity", name="returned_range"
        ),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        Index("ix_order_lines_order_id", "order_id"),
        Index("ix_order_lines_variant_id", "variant_id"),
        Index("ix_order_lines_sku", "sku"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    sku: Mapped[str | None] = mapped_column(Text)
    product_title: Mapped[str] = mapped_column(Text)
    variant_title: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer)
    fulfilled_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    returned_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unit_price: Mapped[int] = mapped_column(MinorUnits)
    discount_total: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    tax_total: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    order: Mapped[Order] = relationship(back_populates="lines")


class OrderHistory(Base):
    """Every event of an order: status changes, notes, payments, refunds, edits. Append-only.

    What each ``kind`` keeps in the statuses, ``note`` and ``data`` is documented (and built,
    for the services and the demo alike) in ``services.orders.history``.
    """

    __tablename__ = "order_history"
    __table_args__ = (Index("ix_order_history_order_id_id", "order_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    #: "status", "payment", "refund", "fulfillment", "return", "edit", "stock", "note"
    kind: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str | None] = mapped_column(Text)
    to_status: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")


class OrderDiscount(Base):
    """A promotion applied to an order, with the engine's explanation."""

    __tablename__ = "order_discounts"
    __table_args__ = (
        CheckConstraint(
            "discount_class IN ('product', 'order', 'shipping')", name="discount_class"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    promotion_id: Mapped[int | None] = mapped_column(ForeignKey("promotions.id"))
    code: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    amount: Mapped[int] = mapped_column(MinorUnits)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: product, order or shipping (a manual discount is an order discount)
    discount_class: Mapped[str] = mapped_column(Text, default="order", server_default="order")
    #: its share of each line: [{"line_id": ..., "amount": ...}]
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")


class Fulfillment(Timestamped, Base):
    __tablename__ = "fulfillments"
    __table_args__ = (
        CheckConstraint("status IN ('success', 'cancelled')", name="status"),
        Index("ix_fulfillments_tracking_number", "tracking_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(Text, default="success")
    carrier: Mapped[str | None] = mapped_column(Text)
    tracking_number: Mapped[str | None] = mapped_column(Text)
    tracking_url: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    lines: Mapped[list[FulfillmentLine]] = relationship(cascade="all, delete-orphan")


class FulfillmentLine(Base):
    __tablename__ = "fulfillment_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fulfillment_id: Mapped[int] = mapped_column(
        ForeignKey("fulfillments.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    quantity: Mapped[int] = mapped_column(Integer)


class Return(Timestamped, Base):
    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    lines: Mapped[list[ReturnLine]] = relationship(cascade="all, delete-orphan")


class ReturnLine(Base):
    __tablename__ = "return_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(check_in("disposition", ReturnDisposition), name="disposition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    disposition: Mapped[str] = mapped_column(Text)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))


class SavedOrderFilter(Timestamped, Base):
    """A named set of order-list filters; a staff member's own, or everyone's when staff_id is
    NULL. The preset filters ("Paid, not shipped") live in code, not here."""

    __tablename__ = "saved_order_filters"
    __table_args__ = (UniqueConstraint("staff_id", "name", postgresql_nulls_not_distinct=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
