"""Promotions, their codes and redemptions. The rules themselves live in ``services.pricing``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, MinorUnits, Timestamped, Versioned

#: the end of a promotion as a sortable value (no end sorts last); the live-promotions index
ENDS = "coalesce(ends_at, 'infinity'::timestamptz)"


class Promotion(Versioned, Timestamped, Base):
    __tablename__ = "promotions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('percentage', 'fixed_amount', 'free_shipping', 'buy_x_get_y')", name="kind"
        ),
        CheckConstraint(
            "applies_to IN ('order', 'collection', 'product', 'variant')", name="applies_to"
        ),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("kind <> 'percentage' OR value <= 10000", name="percentage_range"),
        CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="period"
        ),
        CheckConstraint("method IN ('automatic', 'code')", name="method"),
        CheckConstraint("method = 'code' OR code IS NULL", name="automatic_has_no_code"),
        CheckConstraint(
            "combines_with <@ ARRAY['product', 'order', 'shipping']::text[]",
            name="combines_with_classes",
        ),
        CheckConstraint(
            "used_count >= 0 AND (usage_limit IS NULL OR used_count <= usage_limit)",
            name="within_usage_limit",
        ),
        Index("ix_promotions_code_lower", text("lower(code)"), unique=True),
        Index(
            "ix_promotions_live_automatic",
            text(ENDS),
            postgresql_where=text("is_active AND method = 'automatic'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    #: automatic (applies by itself) or code (a customer types ``code`` or a generated one)
    method: Mapped[str] = mapped_column(Text, default="automatic", server_default="automatic")
    #: the code a customer types; NULL for automatic promotions and batches of codes
    code: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    #: basis points for percentages (1500 = 15 %), minor units for fixed amounts
    value: Mapped[int] = mapped_column(MinorUnits, default=0)
    applies_to: Mapped[str] = mapped_column(Text, default="order")
    #: ids of the collections, products or variants it applies to
    target_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list, server_default="{}")
    #: extra rule parameters: {"buy": 2, "get": 1, "repeat": 3} for buy-x-get-y,
    #: {"per_item": true} for a fixed amount off each item, {"ceiling": 1000} for free shipping
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    min_subtotal: Mapped[int | None] = mapped_column(MinorUnits)
    min_quantity: Mapped[int | None] = mapped_column(Integer)
    customer_tag: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    usage_limit_per_customer: Mapped[int | None] = mapped_column(Integer)
    #: the classes of discount it may be combined with: product, order, shipping
    combines_with: Mapped[list[str]] = mapped_column(default=list, server_default="{}")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    #: redemptions not given back, and the discount they gave (kept by the redeeming UPDATE)
    used_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    discount_given: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class PromotionCode(Base):
    """One of a batch of single-use codes of a promotion."""

    __tablename__ = "promotion_codes"
    __table_args__ = (
        CheckConstraint("used_count BETWEEN 0 AND 1", name="single_use"),
        Index("ix_promotion_codes_code_lower", text("lower(code)"), unique=True),
        Index("ix_promotion_codes_promotion_id_id", "promotion_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promotion_id: Mapped[int] = mapped_column(ForeignKey("promotions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(Text)
    used_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class PromotionRedemption(Base):
    __tablename__ = "promotion_redemptions"
    __table_args__ = (
        Index("ix_promotion_redemptions_promotion_id_id", "promotion_id", "id"),
        # once per customer holds under any race: a second redemption is a unique violation
        Index(
            "ix_promotion_redemptions_once_per_customer",
            "promotion_id",
            "customer_id",
            unique=True,
            postgresql_where=text(
                "once_per_customer AND returned_at IS NULL AND customer_id IS NOT NULL"
            ),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promotion_id: Mapped[int] = mapped_column(ForeignKey("promotions.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    code: Mapped[str | None] = mapped_column(Text)
    promotion_code_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_codes.id"))
    once_per_customer: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    amount: Mapped[int] = mapped_column(MinorUnits)
    redeemed_at: Mapped[datetime] = mapped_column(server_default=func.now())
    #: when the order was cancelled and the use given back
    returned_at: Mapped[datetime | None]


class OrderPricing(Base):
    """The engine's explanation of an order's last pricing, for the order's detail."""

    __tablename__ = "order_pricing"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    explanation: Mapped[dict[str, Any]]
    priced_at: Mapped[datetime] = mapped_column(server_default=func.now())
