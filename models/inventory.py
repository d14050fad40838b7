"""Inventory: locations and bins, stock levels, the movement ledger, and the documents that move
stock (transfers, purchase orders, counts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Sequence,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, MinorUnits, Timestamped, Versioned
from models.status import (
    CountStatus,
    MovementReason,
    PurchaseOrderStatus,
    TransferStatus,
    check_in,
)

TRANSFER_NUMBERS = Sequence("transfer_number_seq", start=1001, metadata=Base.metadata)
PURCHASE_ORDER_NUMBERS = Sequence("purchase_order_number_seq", start=1001, metadata=Base.metadata)
STOCK_COUNT_NUMBERS = Sequence("stock_count_number_seq", start=1001, metadata=Base.metadata)
#: numbers of adjustment documents ("ADJ-1001"); the document is its ledger rows
STOCK_ADJUSTMENT_NUMBERS = Sequence(
    "stock_adjustment_number_seq", start=1001, metadata=Base.metadata
)


class Location(Versioned, Timestamped, Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    address: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: where imports and the storefront's orders take stock from unless told otherwise
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    bins: Mapped[list[Bin]] = relationship(back_populates="location", order_by="Bin.code")

    __table_args__ = (
        Index(
            "uq_locations_one_default",
            "is_default",
            unique=True,
            postgresql_where=text("is_default"),
        ),
    )


class Bin(Base):
    """A shelf place in a location, such as ``A-03-2``; codes sort in walking order."""

    __tablename__ = "bins"
    __table_args__ = (UniqueConstraint("location_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    code: Mapped[str] = mapped_column(Text)
    location: Mapped[Location] = relationship(back_populates="bins")


class InventoryLevel(Base):
    """Stock of one variant at one location.

    Only ``services.inventory`` changes these figures, and always together with a
    ``StockMovement`` row in the same statement, so the ledger and the figures agree.
    ``allow_negative`` mirrors the variant's inventory policy so a CHECK can forbid negative
    stock for deny-policy variants: triggers fill it in when an INSERT leaves it out, refuse a
    level whose flag disagrees, and keep it in step when the policy changes.
    """

    __tablename__ = "inventory_levels"
    __table_args__ = (
        CheckConstraint("committed >= 0", name="committed_not_negative"),
        CheckConstraint("damaged >= 0", name="damaged_not_negative"),
        CheckConstraint("quality_control >= 0", name="quality_control_not_negative"),
        CheckConstraint("safety_stock >= 0", name="safety_stock_not_negative"),
        CheckConstraint("other_unavailable >= 0", name="other_unavailable_not_negative"),
        CheckConstraint("incoming >= 0", name="incoming_not_negative"),
        CheckConstraint("allow_negative OR on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint(
            "allow_negative OR on_hand - committed - damaged - quality_control"
            " - safety_stock - other_unavailable >= 0",
            name="available_not_negative",
        ),
        CheckConstraint("reorder_point IS NULL OR reorder_point >= 0", name="reorder_point"),
        CheckConstraint("reorder_quantity IS NULL OR reorder_quantity > 0", name="reorder_qty"),
        Index("ix_inventory_levels_location_id_variant_id", "location_id", "variant_id"),
        # the low-stock view reads only the levels that have a reorder point
        Index(
            "ix_inventory_levels_reorder",
            "location_id",
            "variant_id",
            postgresql_where=text("reorder_point IS NOT NULL"),
        ),
    )

    variant_id: Mapped[int] = mapped_column(
        ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True
    )
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bins.id"))
    on_hand: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    committed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    damaged: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    quality_control: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    safety_stock: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    other_unavailable: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    incoming: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    available: Mapped[int] = mapped_column(
        Integer,
        Computed(
            "on_hand - committed - damaged - quality_control - safety_stock - other_unavailable",
            # stored on every server: PostgreSQL 18 would make it virtual, 15 to 17 stored
            persisted=True,
        ),
    )
    allow_negative: Mapped[bool] = mapped_column(Boolean)
    reorder_point: Mapped[int | None] = mapped_column(Integer)
    reorder_quantity: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class StockMovement(Base):
    """One change to one inventory level: the ledger. Append-only (a trigger refuses changes).

    A movement references its level, checked at commit (see migration inventory_0006).
    """

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint(check_in("reason", MovementReason), name="reason"),
        ForeignKeyConstraint(
            ["variant_id", "location_id"],
            ["inventory_levels.variant_id", "inventory_levels.location_id"],
            ondelete="CASCADE",
            deferrable=True,
            initially="DEFERRED",
        ),
        Index("ix_stock_movements_variant_location_id", "variant_id", "location_id", "id"),
        Index("ix_stock_movements_reference", "reference_type", "reference_id"),
        Index("ix_stock_movements_occurred_at", "occurred_at"),
        # ledger browsing pages newest first within a location or a reason
        Index("ix_stock_movements_location_id_id", "location_id", "id"),
        Index("ix_stock_movements_reason_id", "reason", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    variant_id: Mapped[int]
    location_id: Mapped[int]
    on_hand_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    committed_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    damaged_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    quality_control_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    safety_stock_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    other_unavailable_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    incoming_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reason: Mapped[str] = mapped_column(Text)
    #: the document the movement came from: ("order", "1042"), ("transfer", "T-7"), ...
    reference_type: Mapped[str | None] = mapped_column(Text)
    reference_id: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Supplier(Versioned, Timestamped, Base):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)


class Transfer(Versioned, Timestamped, Base):
    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint(check_in("status", TransferStatus), name="status"),
        CheckConstraint("origin_location_id <> destination_location_id", name="two_places"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(
        Text,
        unique=True,
        server_default=text("('T-'::text || nextval('transfer_number_seq'::regclass))"),
    )
    origin_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    destination_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(
        Text, default=TransferStatus.DRAFT, server_default=TransferStatus.DRAFT.value
    )
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    shipped_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    lines: Mapped[list[TransferLine]] = relationship(
        order_by="TransferLine.id", cascade="all, delete-orphan"
    )


class TransferLine(Base):
    __tablename__ = "transfer_lines"
    __table_args__ = (
        UniqueConstraint("transfer_id", "variant_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received_quantity BETWEEN 0 AND quantity", name="received_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    received_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PurchaseOrder(Versioned, Timestamped, Base):
    __tablename__ = "purchase_orders"
    __table_args__ = (CheckConstraint(check_in("status", PurchaseOrderStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(
        Text,
        unique=True,
        server_default=text("('PO-'::text || nextval('purchase_order_number_seq'::regclass))"),
    )
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(
        Text, default=PurchaseOrderStatus.DRAFT, server_default=PurchaseOrderStatus.DRAFT.value
    )
    expected_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        order_by="PurchaseOrderLine.id", cascade="all, delete-orphan"
    )


class PurchaseOrderLine(Base):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (
        UniqueConstraint("purchase_order_id", "variant_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received_quantity BETWEEN 0 AND quantity", name="received_range"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_orders.id", ondelete="CASCADE")
    )
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    received_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unit_cost: Mapped[int] = mapped_column(MinorUnits, default=0)


class StockCount(Versioned, Timestamped, Base):
    """A physical count of a location (or some of its bins). Counted figures are compared with
    the stock at the count's start plus the movements since, so orders may go on meanwhile."""

    __tablename__ = "stock_counts"
    __table_args__ = (CheckConstraint(check_in("status", CountStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(
        Text,
        unique=True,
        server_default=text("('C-'::text || nextval('stock_count_number_seq'::regclass))"),
    )
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(
        Text, default=CountStatus.OPEN, server_default=CountStatus.OPEN.value
    )
    #: what the count covers: {"bins": ["A-01", "A-09"]} or {"filter": {...}}; {} for everything
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: the last ledger row when the count started; later movements adjust the expectation
    started_after_movement_id: Mapped[int] = mapped_column(
        BigInteger, default=0, server_default="0"
    )
    started_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    posted_at: Mapped[datetime | None]


class StockCountScan(Base):
    """One scan (or typed quantity) during a count. Undo marks a scan voided."""

    __tablename__ = "stock_count_scans"
    __table_args__ = (Index("ix_stock_count_scans_count_variant", "count_id", "variant_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bins.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    scanned_code: Mapped[str | None] = mapped_column(Text)
    scanned_at: Mapped[datetime] = mapped_column(server_default=func.now())
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    voided_at: Mapped[datetime | None]
    #: the last ledger row when the scan was recorded: the variance of a variant is taken
    #: against its stock at its first scan, so movements while counting are not miscounted
    after_movement_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
