"""Reading the ledger: browse and filter every movement, export it, open a variant's history,
and prove the figures agree with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Integer, Select, and_, cast, func, literal, or_, select, text, union
from sqlalchemy.dialects.postgresql import ARRAY

from models.catalog import Barcode, Product, Variant
from models.inventory import InventoryLevel, Location, StockMovement
from models.staff import Staff
from models.status import PurchaseOrderStatus, TransferStatus
from services.exports.cells import csv_writer
from services.inventory.adjustments import REASON_LABELS
from services.inventory.ledger import STATES, Discrepancy, verify_ledger
from services.inventory.levels import keyset, variant_title_sql
from services.paging import Page, PageRequest
from services.progress import NO_PROGRESS, Progress
from services.unit_of_work import UnitOfWork
from services.wording import counted

#: how each kind of document reads in the ledger
REFERENCE_LABELS = {
    "adjustment": "Adjustment",
    "transfer": "Transfer",
    "purchase_order": "Purchase order",
    "count": "Count",
    "order": "Order",
    "return": "Return",
    "import": "Import",
}


@dataclass(frozen=True)
class MovementRow:
    id: int
    occurred_at: datetime
    variant_id: int
    sku: str | None
    product_title: str
    variant_title: str
    location_id: int
    location_name: str
    on_hand: int
    committed: int
    damaged: int
    quality_control: int
    safety_stock: int
    other_unavailable: int
    incoming: int
    reason: str
    reference_type: str | None
    reference_id: str | None
    note: str | None
    staff_name: str
    #: in a variant's history: on hand and available at the location after this movement
    on_hand_after: int | None = None
    available_after: int | None = None

    @property
    def unavailable(self) -> int:
        return self.damaged + self.quality_control + self.safety_stock + self.other_unavailable

    @property
    def available(self) -> int:
        """The change to available stock."""
        return self.on_hand - self.committed - self.unavailable

    @property
    def reason_label(self) -> str:
        try:
            return REASON_LABELS[self.reason]
        except KeyError:
            return self.reason.replace("_", " ").capitalize()

    @property
    def document(self) -> str:
        """ "Transfer T-1001", "Order 1042", or "" when the movement has no document."""
        if not self.reference_type:
            return ""
        label = REFERENCE_LABELS.get(self.reference_type, self.reference_type.replace("_", " "))
        return f"{label} {self.reference_id}" if self.reference_id else label

    @property
    def changes(self) -> str:
        """The deltas in words: "on hand +5, incoming -5"."""
        return ", ".join(
            f"{s.replace('_', ' ')} {getattr(self, s):+d}" for s in STATES if getattr(self, s)
        )


def _statement(running: bool = False) -> Select[*tuple[Any, ...]]:
    m = StockMovement
    columns: list[Any] = [
        m.id,
        m.occurred_at,
        m.variant_id,
        Variant.sku,
        Product.title.label("product_title"),
        variant_title_sql().label("variant_title"),
        m.location_id,
        Location.name.label("location_name"),
        *(getattr(m, f"{s}_delta").label(s) for s in STATES),
        m.reason,
        m.reference_type,
        m.reference_id,
        m.note,
        func.coalesce(Staff.full_name, literal("System")).label("staff_name"),
    ]
    return (
        select(*columns)
        .select_from(m)
        .join(Variant, Variant.id == m.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .join(Location, Location.id == m.location_id)
        .outerjoin(Staff, Staff.id == m.staff_id)
    )


def _apply_filters(
    statement: Select[*tuple[Any, ...]], filters: Mapping[str, Any], search: str
) -> Select[*tuple[Any, ...]]:
    m = StockMovement
    for name in ("variant_id", "location_id", "staff_id", "reference_type", "reference_id"):
        if filters.get(name) not in (None, ""):
            statement = statement.where(getattr(m, name) == filters[name])
    reason = filters.get("reason")
    if reason:
        statement = statement.where(
            m.reason.in_([reason] if isinstance(reason, str) else list(reason))
        )
    if filters.get("since") is not None:
        statement = statement.where(m.occurred_at >= filters["since"])
    if filters.get("until") is not None:
        statement = statement.where(m.occurred_at < filters["until"])
    term = search.strip()
    if term:
        # a SKU, a barcode, or a document number. Written so each is an index lookup the
        # planner can combine: the variants as an array computed once, the documents by
        # (type, number)
        found = union(
            select(Variant.id.label("id")).where(Variant.sku == term),
            select(Barcode.variant_id.label("id")).where(Barcode.code == term),
        ).subquery()
        # the cast makes it one array value (an InitPlan), not a subquery ANY would scan
        variants = cast(select(func.array_agg(found.c.id)).scalar_subquery(), ARRAY(Integer))
        statement = statement.where(
            or_(
                m.variant_id == func.any(variants),
                and_(m.reference_type.in_(list(REFERENCE_LABELS)), m.reference_id == term),
            )
        )
    return statement


def _row(r: Any, running: bool = False) -> MovementRow:
    return MovementRow(
        id=r.id,
        occurred_at=r.occurred_at,
        variant_id=r.variant_id,
        sku=r.sku,
        product_title=r.product_title,
        variant_title=r.variant_title,
        location_id=r.location_id,
        location_name=r.location_name,
        **{s: getattr(r, s) for s in STATES},
        reason=r.reason,
        reference_type=r.reference_type,
        reference_id=r.reference_id,
        note=r.note,
        staff_name=r.staff_name,
        on_hand_after=r.on_hand_after if running else None,
        available_after=r.available_after if running else None,
    )


def list_movements(uow: UnitOfWork, request: PageRequest) -> Page[MovementRow]:
    """The ledger, newest first. Filters: ``variant_id``, ``location_id``, ``reason`` (one or
    a list), ``reference_type`` and ``reference_id`` (a document), ``staff_id``, ``since`` and
    ``until`` (datetimes). ``search``: a SKU, a barcode or a document number."""
    statement = _apply_filters(_statement(), request.filters, request.search)
    with uow:
        rows, next_after = keyset(
            uow.session, statement, [StockMovement.id], request.after, request.limit, True
        )
        return Page([_row(r) for r in rows], next_after)


def variant_history(uow: UnitOfWork, variant_id: int, request: PageRequest) -> Page[MovementRow]:
    """Every movement of one variant, newest first, with on hand and available at its
    location after each one (so a person can follow the figure back through time).
    Filters: ``location_id``, ``reason``."""
    m = StockMovement
    on_hand_after = func.sum(m.on_hand_delta).over(partition_by=m.location_id, order_by=m.id)
    available_after = func.sum(
        m.on_hand_delta
        - m.committed_delta
        - m.damaged_delta
        - m.quality_control_delta
        - m.safety_stock_delta
        - m.other_unavailable_delta
    ).over(partition_by=m.location_id, order_by=m.id)
    inner = (
        _statement()
        .add_columns(on_hand_after.label("on_hand_after"), available_after.label("available_after"))
        .where(m.variant_id == variant_id)
    )
    if request.filters.get("location_id"):
        inner = inner.where(m.location_id == request.filters["location_id"])
    history = inner.subquery()
    statement = select(history)
    reason = request.filters.get("reason")
    if reason:
        statement = statement.where(
            history.c.reason.in_([reason] if isinstance(reason, str) else list(reason))
        )
    with uow:
        rows, next_after = keyset(
            uow.session, statement, [history.c.id], request.after, request.limit, True
        )
        return Page([_row(r, running=True) for r in rows], next_after)


EXPORT_COLUMNS = (
    "Movement",
    "Date",
    "SKU",
    "Product",
    "Variant",
    "Location",
    "On hand",
    "Committed",
    "Damaged",
    "Quality control",
    "Safety stock",
    "Other unavailable",
    "Incoming",
    "Available",
    "Reason",
    "Document",
    "Note",
    "Staff",
)


def export_movements(
    uow: UnitOfWork,
    out: TextIO,
    *,
    filters: Mapping[str, Any] | None = None,
    search: str = "",
    progress: Progress = NO_PROGRESS,
) -> int:
    """Write the (filtered) ledger as CSV, oldest first, streaming; returns the rows written."""
    statement = _apply_filters(_statement(), filters or {}, search).order_by(StockMovement.id)
    writer = csv_writer(out)
    writer.writerow(EXPORT_COLUMNS)
    written = 0
    with uow:
        total = None
        if progress is not NO_PROGRESS:
            total = uow.session.scalar(select(func.count()).select_from(statement.subquery()))
        result = uow.session.execute(statement.execution_options(yield_per=5000))
        for r in result:
            row = _row(r)
            writer.writerow(
                (
                    row.id,
                    row.occurred_at.isoformat(timespec="seconds"),
                    row.sku or "",
                    row.product_title,
                    row.variant_title,
                    row.location_name,
                    *(getattr(row, s) for s in STATES),
                    row.available,
                    row.reason_label,
                    row.document,
                    row.note or "",
                    row.staff_name,
                )
            )
            written += 1
            if written % 5000 == 0:
                progress.report(written, total, f"{counted(written, 'movement')} written")
    return written


# -- consistency -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingMismatch:
    """Incoming stock that open transfers and purchase orders do not explain."""

    variant_id: int
    location_id: int
    incoming: int
    on_documents: int


@dataclass(frozen=True)
class InventoryCheck:
    levels: int
    movements: int
    discrepancies: tuple[Discrepancy, ...] = field(default_factory=tuple)
    incoming_mismatches: tuple[IncomingMismatch, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.discrepancies and not self.incoming_mismatches


def check_inventory(uow: UnitOfWork) -> InventoryCheck:
    """Prove the store's stock adds up: every figure equals the sum of its ledger movements,
    and every incoming figure equals what shipped transfers and placed purchase orders still
    bring. Each check is one statement, so each sees one consistent snapshot even while
    others keep working."""
    with uow:
        levels = uow.session.scalar(select(func.count()).select_from(InventoryLevel)) or 0
        movements = uow.session.scalar(select(func.count()).select_from(StockMovement)) or 0
        discrepancies = verify_ledger(uow)
        rows = uow.execute(
            text(
                """
                WITH documents AS (
                    SELECT tl.variant_id, t.destination_location_id AS location_id,
                           sum(tl.quantity - tl.received_quantity) AS quantity
                    FROM transfers t JOIN transfer_lines tl ON tl.transfer_id = t.id
                    WHERE t.status IN (:t_shipped, :t_partial)
                    GROUP BY 1, 2
                    UNION ALL
                    SELECT pl.variant_id, po.location_id,
                           sum(pl.quantity - pl.received_quantity)
                    FROM purchase_orders po
                    JOIN purchase_order_lines pl ON pl.purchase_order_id = po.id
                    WHERE po.status IN (:p_ordered, :p_partial)
                    GROUP BY 1, 2
                ),
                expected AS (
                    SELECT variant_id, location_id, sum(quantity) AS quantity
                    FROM documents GROUP BY 1, 2
                )
                SELECT coalesce(l.variant_id, e.variant_id) AS variant_id,
                       coalesce(l.location_id, e.location_id) AS location_id,
                       coalesce(l.incoming, 0) AS incoming, coalesce(e.quantity, 0) AS expected
                FROM (SELECT * FROM inventory_levels WHERE incoming <> 0) l
                FULL JOIN expected e USING (variant_id, location_id)
                WHERE coalesce(l.incoming, 0) <> coalesce(e.quantity, 0)
                ORDER BY 1, 2
                """
            ),
            {
                "t_shipped": TransferStatus.SHIPPED.value,
                "t_partial": TransferStatus.PARTIALLY_RECEIVED.value,
                "p_ordered": PurchaseOrderStatus.ORDERED.value,
                "p_partial": PurchaseOrderStatus.PARTIALLY_RECEIVED.value,
            },
        ).all()
        return InventoryCheck(
            int(levels),
            int(movements),
            tuple(discrepancies),
            tuple(
                IncomingMismatch(r.variant_id, r.location_id, int(r.incoming), int(r.expected))
                for r in rows
            ),
        )
