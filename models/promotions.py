"""Promotions and their redemptions. The rules themselves live in ``services.pricing``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, MinorUnits, Timestamped, Versioned


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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    #: the code a customer types; NULL for automatic promotions
    code: Mapped[str | None] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(Text)
    #: basis points for percentages (1500 = 15 %), minor units for fixed amounts
    value: Mapped[int] = mapped_column(MinorUnits, default=0)
    applies_to: Mapped[str] = mapped_column(Text, default="order")
    #: ids of the collections, products or variants it applies to
    target_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list, server_default="{}")
    #: extra rule parameters: {"buy": 2, "get": 1} for buy-x-get-y, ...
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    min_subtotal: Mapped[int | None] = mapped_column(MinorUnits)
    min_quantity: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    usage_limit_per_customer: Mapped[int | None] = mapped_column(Integer)
    combinable: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class PromotionRedemption(Base):
    __tablename__ = "promotion_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    promotion_id: Mapped[int] = mapped_column(ForeignKey("promotions.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    amount: Mapped[int] = mapped_column(MinorUnits)
    redeemed_at: Mapped[datetime] = mapped_column(server_default=func.now())
