"""Suppliers and purchase orders: draft -> ordered -> (partially) received, or cancelled.

Placing an order shows its quantities as incoming at the receiving location. Receiving (a
whole order, some lines, or one scan at a time) moves units from incoming to on hand and
updates each variant's cost to the weighted average of the stock already held and the units
received at the order's unit cost. Cancelling takes what was never received off incoming.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import BigInteger

from models.inventory import Location, PurchaseOrder, PurchaseOrderLine, Supplier
from models.money import divide_rounded
from models.staff import Staff
from models.status import (
    PURCHASE_ORDER_TRANSITIONS,
    MovementReason,
    PurchaseOrderStatus,
)
from services.actors import Actor
from services.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from services.inventory.documents import (
    announce,
    audit_status,
    check_status_change,
    lock_document,
    refused_lines,
)
from services.inventory.ledger import Movement, Reference, move_stock
from services.inventory.levels import (
    TOPIC_COST,
    TOPIC_PURCHASE_ORDER,
    VariantRef,
    announce_levels,
    find_variants_by_code,
    keyset,
    require_variants,
    variant_refs,
)
from services.paging import Page, PageRequest, like_pattern
from services.store import money_format
from services.unit_of_work import UnitOfWork

_BIGINT_ARRAY = ARRAY(BigInteger)

STATUS_LABELS = {
    PurchaseOrderStatus.DRAFT: "Draft",
    PurchaseOrderStatus.ORDERED: "Ordered",
    PurchaseOrderStatus.PARTIALLY_RECEIVED: "Partially received",
    PurchaseOrderStatus.RECEIVED: "Received",
    PurchaseOrderStatus.CANCELLED: "Cancelled",
}


# -- suppliers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierRow:
    id: int
    name: str
    email: str | None
    phone: str | None
    version: int


def create_supplier(
    uow: UnitOfWork, actor: Actor, *, name: str, email: str | None = None, phone: str | None = None
) -> SupplierRow:
    """A new supplier. Raises ValidationFailed (no name, a name already used)."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Enter the supplier's name.", fields={"name": "Required"})
    with uow:
        uow.require(actor, "inventory.receive")
        supplier = Supplier(name=name, email=_blank(email), phone=_blank(phone))
        _save_unique_name(uow, name, lambda: uow.session.add(supplier))
        uow.audit(
            actor,
            "inventory.supplier.create",
            "supplier",
            supplier.id,
            after=_row(supplier).__dict__,
        )
        row = _row(supplier)
        uow.commit()
        return row


def update_supplier(
    uow: UnitOfWork,
    actor: Actor,
    supplier_id: int,
    *,
    version: int,
    name: str,
    email: str | None = None,
    phone: str | None = None,
) -> SupplierRow:
    """Change a supplier's details. Raises Conflict if someone changed them since ``version``."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Enter the supplier's name.", fields={"name": "Required"})
    with uow:
        uow.require(actor, "inventory.receive")
        supplier = uow.session.get(Supplier, supplier_id, with_for_update=True)
        if supplier is None:
            raise NotFound(f"Supplier {supplier_id} no longer exists.")
        if supplier.version != version:
            raise Conflict(f"{supplier.name} was changed by someone else; reload and try again.")
        before = _row(supplier).__dict__

        def change() -> None:
            supplier.name, supplier.email, supplier.phone = name, _blank(email), _blank(phone)

        _save_unique_name(uow, name, change)
        row = _row(supplier)
        uow.audit(
            actor,
            "inventory.supplier.edit",
            "supplier",
            supplier.id,
            before=before,
            after=row.__dict__,
        )
        uow.commit()
        return row


def list_suppliers(uow: UnitOfWork, search: str = "") -> list[SupplierRow]:
    with uow:
        statement = select(Supplier).order_by(Supplier.name)
        if search.strip():
            statement = statement.where(Supplier.name.ilike(like_pattern(search.strip())))
        return [_row(s) for s in uow.session.scalars(statement.limit(500))]


def _row(supplier: Supplier) -> SupplierRow:
    return SupplierRow(supplier.id, supplier.name, supplier.email, supplier.phone, supplier.version)


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _save_unique_name(uow: UnitOfWork, name: str, change: Callable[[], None]) -> None:
    """Apply ``change`` and flush it in a savepoint, so a name already taken (also by someone
    saving at the same moment) becomes a clear message instead of a broken transaction."""
    savepoint = uow.session.begin_nested()
    try:
        change()
        uow.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise ValidationFailed(
            f"There is already a supplier called {name!r}.", fields={"name": "Already used"}
        ) from None
    savepoint.commit()


# -- purchase orders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PurchaseLineInput:
    variant_id: int
    quantity: int
    #: minor units per unit
    unit_cost: int


@dataclass(frozen=True)
class PurchaseLineRow:
    variant: VariantRef
    quantity: int
    received_quantity: int
    unit_cost: int

    @property
    def remaining(self) -> int:
        return self.quantity - self.received_quantity

    @property
    def line_cost(self) -> int:
        return self.quantity * self.unit_cost


@dataclass(frozen=True)
class PurchaseOrderDetail:
    id: int
    number: str
    status: str
    supplier_id: int
    supplier_name: str
    location_id: int
    location_name: str
    expected_at: datetime | None
    note: str | None
    created_by: str | None
    created_at: datetime
    version: int
    lines: tuple[PurchaseLineRow, ...]
    #: the currency of the costs (the store's)
    currency: str

    @property
    def total_cost(self) -> int:
        return sum(line.line_cost for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def received_units(self) -> int:
        return sum(line.received_quantity for line in self.lines)


@dataclass(frozen=True)
class PurchaseOrderSummary:
    id: int
    number: str
    status: str
    supplier_name: str
    location_name: str
    units: int
    received_units: int
    total_cost: int
    expected_at: datetime | None
    created_at: datetime
    #: the currency of the cost (the store's)
    currency: str


def allowed_actions(status: str) -> frozenset[str]:
    """What may be done to a purchase order in ``status``: the buttons a screen enables."""
    current = PurchaseOrderStatus(status)
    targets = PURCHASE_ORDER_TRANSITIONS[current]
    actions = {"edit"} if current is PurchaseOrderStatus.DRAFT else set()
    if PurchaseOrderStatus.ORDERED in targets:
        actions.add("order")
    if PurchaseOrderStatus.RECEIVED in targets:
        actions.add("receive")
    if PurchaseOrderStatus.CANCELLED in targets:
        actions.add("cancel")
    return frozenset(actions)


def create_purchase_order(
    uow: UnitOfWork,
    actor: Actor,
    *,
    supplier_id: int,
    location_id: int,
    lines: Sequence[PurchaseLineInput],
    note: str | None = None,
    expected_at: datetime | None = None,
) -> PurchaseOrderDetail:
    """A draft purchase order. Raises ValidationFailed, NotFound, PermissionDenied
    (``inventory.receive``)."""
    merged = _merge_lines(lines)
    with uow:
        uow.require(actor, "inventory.receive")
        if uow.session.get(Supplier, supplier_id) is None:
            raise NotFound(f"Supplier {supplier_id} no longer exists.")
        place = uow.session.get(Location, location_id)
        if place is None or not place.is_active:
            raise NotFound(f"Location {location_id} does not exist or is closed.")
        require_variants(uow.session, merged)
        order = PurchaseOrder(
            supplier_id=supplier_id,
            location_id=location_id,
            note=note,
            expected_at=expected_at,
            created_by=actor.staff_id,
            lines=[
                PurchaseOrderLine(variant_id=v, quantity=q, unit_cost=c)
                for v, (q, c) in merged.items()
            ],
        )
        uow.session.add(order)
        uow.session.flush()
        uow.audit(
            actor,
            "inventory.purchase_order.create",
            "purchase_order",
            order.id,
            after={"number": order.number, "lines": merged},
        )
        announce(uow, TOPIC_PURCHASE_ORDER, "purchase_order", order)
        detail = _detail(uow, order.id)
        uow.commit()
        return detail


def update_purchase_order(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    lines: Sequence[PurchaseLineInput],
    note: str | None = None,
    expected_at: datetime | None = None,
) -> PurchaseOrderDetail:
    """Replace a draft's lines, note and expected date. Raises Conflict (changed since
    ``version``), InvalidTransition (no longer a draft)."""
    merged = _merge_lines(lines)
    with uow:
        uow.require(actor, "inventory.receive")
        order = lock_document(uow, PurchaseOrder, order_id, version, "Purchase order")
        if order.status != PurchaseOrderStatus.DRAFT:
            raise InvalidTransition(
                f"{order.number} has been {order.status}; only a draft can be edited."
            )
        require_variants(uow.session, merged)
        before = {line.variant_id: (line.quantity, line.unit_cost) for line in order.lines}
        # change lines in place: replacing them would insert before deleting, and a variant
        # may appear on an order once
        existing = {line.variant_id: line for line in order.lines}
        for variant_id, line in existing.items():
            if variant_id not in merged:
                order.lines.remove(line)
        for variant_id, (quantity, cost) in merged.items():
            if variant_id in existing:
                existing[variant_id].quantity = quantity
                existing[variant_id].unit_cost = cost
            else:
                order.lines.append(
                    PurchaseOrderLine(variant_id=variant_id, quantity=quantity, unit_cost=cost)
                )
        order.note, order.expected_at = note, expected_at
        # touch the order row itself so its version moves even when only lines changed
        order.updated_at = func.now()
        uow.session.flush()
        uow.audit(
            actor,
            "inventory.purchase_order.edit",
            "purchase_order",
            order.id,
            before={"lines": before},
            after={"lines": merged},
        )
        announce(uow, TOPIC_PURCHASE_ORDER, "purchase_order", order)
        detail = _detail(uow, order.id)
        uow.commit()
        return detail


def place_purchase_order(
    uow: UnitOfWork, actor: Actor, order_id: int, *, version: int | None = None
) -> PurchaseOrderDetail:
    """Mark a draft as ordered: its quantities become incoming at the receiving location."""
    with uow:
        uow.require(actor, "inventory.receive")
        order = lock_document(uow, PurchaseOrder, order_id, version, "Purchase order")
        check_status_change(
            order,
            PURCHASE_ORDER_TRANSITIONS,
            PurchaseOrderStatus.ORDERED,
            STATUS_LABELS,
            "Purchase order",
        )
        movements = [
            Movement(line.variant_id, order.location_id, incoming=line.quantity)
            for line in order.lines
        ]
        move_stock(
            uow,
            actor,
            movements,
            reason=MovementReason.PURCHASE_ORDERED,
            reference=Reference("purchase_order", order.number),
        )
        order.status = PurchaseOrderStatus.ORDERED
        uow.session.flush()
        audit_status(
            uow,
            actor,
            "purchase_order",
            order,
            PurchaseOrderStatus.DRAFT,
            "inventory.purchase_order.order",
        )
        announce_levels(
            uow, [m.key for m in movements], reason="purchase_ordered", reference=order.number
        )
        announce(uow, TOPIC_PURCHASE_ORDER, "purchase_order", order)
        detail = _detail(uow, order.id)
        uow.commit()
        return detail


def receive_purchase_order(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    quantities: Mapping[int, int] | None = None,
    *,
    note: str | None = None,
) -> PurchaseOrderDetail:
    """Receive ``quantities`` (variant -> units), or everything outstanding when None: incoming
    becomes on hand at the receiving location and each variant's cost becomes the weighted
    average of the stock held and the units received. The rest stays incoming.

    Raises ValidationFailed (not on the order, more than outstanding), InvalidTransition (not
    ordered yet, or closed), PermissionDenied (``inventory.receive``).
    """
    with uow:
        detail = _receive(uow, actor, order_id, quantities, note)
        uow.commit()
        return detail


def _receive(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    quantities: Mapping[int, int] | None,
    note: str | None,
) -> PurchaseOrderDetail:
    uow.require(actor, "inventory.receive")
    order = lock_document(uow, PurchaseOrder, order_id, None, "Purchase order")
    if order.status not in (
        PurchaseOrderStatus.ORDERED,
        PurchaseOrderStatus.PARTIALLY_RECEIVED,
    ):
        label = STATUS_LABELS[PurchaseOrderStatus(order.status)].lower()
        hint = " Mark it as ordered first." if order.status == PurchaseOrderStatus.DRAFT else ""
        raise InvalidTransition(f"{order.number} is {label}; it cannot be received.{hint}")
    by_variant = {line.variant_id: line for line in order.lines}
    if quantities is None:
        quantities = {v: line.quantity - line.received_quantity for v, line in by_variant.items()}
    wanted = {v: q for v, q in quantities.items() if q}
    if not wanted or any(q < 0 for q in wanted.values()):
        raise ValidationFailed("Enter the quantities received (at least 1).")
    refs = variant_refs(uow.session, wanted)
    problems = []
    for variant_id, quantity in wanted.items():
        line = by_variant.get(variant_id)
        name = refs[variant_id].label if variant_id in refs else f"variant {variant_id}"
        if line is None:
            problems.append(f"{name} is not on {order.number}")
        elif quantity > line.quantity - line.received_quantity:
            outstanding = line.quantity - line.received_quantity
            problems.append(f"{name}: {quantity} received but only {outstanding} still expected")
    if problems:
        raise ValidationFailed("Nothing was received: " + "; ".join(problems) + ".")
    costs = _update_costs(
        uow, actor, {v: (q, by_variant[v].unit_cost) for v, q in wanted.items()}, order.number
    )
    movements = [
        Movement(v, order.location_id, on_hand=q, incoming=-q) for v, q in sorted(wanted.items())
    ]
    move_stock(
        uow,
        actor,
        movements,
        reason=MovementReason.RECEIVED,
        reference=Reference("purchase_order", order.number),
        note=note,
    )
    for variant_id, quantity in wanted.items():
        by_variant[variant_id].received_quantity += quantity
    before = PurchaseOrderStatus(order.status)
    done = all(line.received_quantity == line.quantity for line in order.lines)
    target = PurchaseOrderStatus.RECEIVED if done else PurchaseOrderStatus.PARTIALLY_RECEIVED
    check_status_change(order, PURCHASE_ORDER_TRANSITIONS, target, STATUS_LABELS, "Purchase order")
    order.status = target
    uow.session.flush()
    audit_status(
        uow,
        actor,
        "purchase_order",
        order,
        before,
        "inventory.purchase_order.receive",
        extra={"received": wanted, "costs": costs},
    )
    announce_levels(uow, [m.key for m in movements], reason="received", reference=order.number)
    announce(uow, TOPIC_PURCHASE_ORDER, "purchase_order", order)
    return _detail(uow, order.id)


def receive_purchase_scan(
    uow: UnitOfWork, actor: Actor, order_id: int, code: str, quantity: int = 1
) -> tuple[PurchaseOrderDetail, PurchaseLineRow]:
    """Receive ``quantity`` units of the item a scanned ``code`` names, in one transaction.
    Raises NotFound (unknown code), ValidationFailed (not on the order, all received)."""
    with uow:
        found = find_variants_by_code(uow.session, code)
        if not found:
            raise NotFound(f"No item has the barcode or SKU {code!r}.")
        order = uow.session.get(PurchaseOrder, order_id)
        if order is None:
            raise NotFound(f"Purchase order {order_id} no longer exists.")
        on_order = {line.variant_id for line in order.lines}
        matches = [v for v in found if v.variant_id in on_order]
        if not matches:
            raise ValidationFailed(f"{found[0].label} is not on {order.number}.")
        variant_id = matches[0].variant_id
        line = next(line for line in order.lines if line.variant_id == variant_id)
        if line.received_quantity >= line.quantity:
            raise ValidationFailed(
                f"All {line.quantity} of {matches[0].label} on {order.number} have been received."
            )
        detail = _receive(uow, actor, order_id, {variant_id: quantity}, None)
        uow.commit()
    row = next(row for row in detail.lines if row.variant.variant_id == variant_id)
    return detail, row


def cancel_purchase_order(
    uow: UnitOfWork, actor: Actor, order_id: int, *, note: str | None = None
) -> PurchaseOrderDetail:
    """Cancel an order; what was never received is no longer incoming. Received stock stays."""
    with uow:
        uow.require(actor, "inventory.receive")
        order = lock_document(uow, PurchaseOrder, order_id, None, "Purchase order")
        before = PurchaseOrderStatus(order.status)
        check_status_change(
            order,
            PURCHASE_ORDER_TRANSITIONS,
            PurchaseOrderStatus.CANCELLED,
            STATUS_LABELS,
            "Purchase order",
        )
        movements = []
        if before is not PurchaseOrderStatus.DRAFT:
            movements = [
                Movement(
                    line.variant_id,
                    order.location_id,
                    incoming=-(line.quantity - line.received_quantity),
                )
                for line in order.lines
                if line.quantity > line.received_quantity
            ]
        if movements:
            move_stock(
                uow,
                actor,
                movements,
                reason=MovementReason.PURCHASE_CANCELLED,
                reference=Reference("purchase_order", order.number),
                note=note,
            )
        order.status = PurchaseOrderStatus.CANCELLED
        uow.session.flush()
        audit_status(
            uow,
            actor,
            "purchase_order",
            order,
            before,
            "inventory.purchase_order.cancel",
            note=note,
        )
        announce_levels(
            uow, [m.key for m in movements], reason="purchase_cancelled", reference=order.number
        )
        announce(uow, TOPIC_PURCHASE_ORDER, "purchase_order", order)
        detail = _detail(uow, order.id)
        uow.commit()
        return detail


def get_purchase_order(uow: UnitOfWork, order_id: int) -> PurchaseOrderDetail:
    with uow:
        return _detail(uow, order_id)


def list_purchase_orders(uow: UnitOfWork, request: PageRequest) -> Page[PurchaseOrderSummary]:
    """Purchase orders, newest first. Filters: ``status`` (one or a list), ``supplier_id``,
    ``location_id``. ``search`` matches the number or the supplier's name."""
    totals = (
        select(
            PurchaseOrderLine.purchase_order_id,
            func.sum(PurchaseOrderLine.quantity).label("units"),
            func.sum(PurchaseOrderLine.received_quantity).label("received_units"),
            func.sum(PurchaseOrderLine.quantity * PurchaseOrderLine.unit_cost).label("total"),
        )
        .group_by(PurchaseOrderLine.purchase_order_id)
        .subquery()
    )
    statement = (
        select(
            PurchaseOrder.id,
            PurchaseOrder.number,
            PurchaseOrder.status,
            Supplier.name.label("supplier_name"),
            Location.name.label("location_name"),
            func.coalesce(totals.c.units, 0).label("units"),
            func.coalesce(totals.c.received_units, 0).label("received_units"),
            func.coalesce(totals.c.total, 0).label("total"),
            PurchaseOrder.expected_at,
            PurchaseOrder.created_at,
        )
        .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
        .join(Location, Location.id == PurchaseOrder.location_id)
        .outerjoin(totals, totals.c.purchase_order_id == PurchaseOrder.id)
    )
    filters = request.filters
    if filters.get("status"):
        status = filters["status"]
        statement = statement.where(
            PurchaseOrder.status.in_([status] if isinstance(status, str) else list(status))
        )
    if filters.get("supplier_id"):
        statement = statement.where(PurchaseOrder.supplier_id == filters["supplier_id"])
    if filters.get("location_id"):
        statement = statement.where(PurchaseOrder.location_id == filters["location_id"])
    if request.search.strip():
        pattern = like_pattern(request.search.strip())
        statement = statement.where(
            PurchaseOrder.number.ilike(pattern) | Supplier.name.ilike(pattern)
        )
    with uow:
        currency = money_format(uow.session).currency
        rows, next_after = keyset(
            uow.session,
            statement,
            [PurchaseOrder.id],
            request.after,
            request.limit,
            descending=True,
        )
        return Page(
            [
                PurchaseOrderSummary(
                    r.id,
                    r.number,
                    r.status,
                    r.supplier_name,
                    r.location_name,
                    int(r.units),
                    int(r.received_units),
                    int(r.total),
                    r.expected_at,
                    r.created_at,
                    currency,
                )
                for r in rows
            ],
            next_after,
        )


# -- cost --------------------------------------------------------------------------------------


def weighted_average_cost(held: int, held_cost: int | None, received: int, unit_cost: int) -> int:
    """The cost per unit after receiving ``received`` units at ``unit_cost`` onto ``held``
    units at ``held_cost`` (minor units, rounded half to even). Stock below zero or of
    unknown cost does not weigh in: the received units' cost is all that is known."""
    if held_cost is None or held <= 0:
        return unit_cost
    return divide_rounded(held * held_cost + received * unit_cost, held + received)


def _update_costs(
    uow: UnitOfWork, actor: Actor, received: Mapping[int, tuple[int, int]], number: str
) -> dict[int, tuple[int | None, int]]:
    """Set each received variant's cost to the weighted average; returns variant -> (old,
    new). Variants are locked first (in id order), then their stock is read in a fresh
    statement, so two receipts of one variant at once each weigh the other's units in."""
    ids = sorted(received)
    old_costs = dict(
        uow.execute(
            text(
                "SELECT id, cost FROM variants WHERE id = ANY(:ids) ORDER BY id FOR UPDATE"
            ).bindparams(bindparam("ids", type_=_BIGINT_ARRAY)),
            {"ids": ids},
        ).all()
    )
    held = dict(
        uow.execute(
            text(
                "SELECT variant_id, sum(greatest(on_hand, 0)) FROM inventory_levels "
                "WHERE variant_id = ANY(:ids) GROUP BY variant_id"
            ).bindparams(bindparam("ids", type_=_BIGINT_ARRAY)),
            {"ids": ids},
        ).all()
    )
    changes = {}
    for variant_id in ids:
        quantity, unit_cost = received[variant_id]
        old = old_costs[variant_id]
        new = weighted_average_cost(int(held.get(variant_id) or 0), old, quantity, unit_cost)
        if new != old:
            changes[variant_id] = (old, new)
    if changes:
        uow.execute(
            text(
                "UPDATE variants v SET cost = c.cost, version = v.version + 1, updated_at = now() "
                "FROM unnest(:ids, :costs) AS c(id, cost) WHERE v.id = c.id"
            ).bindparams(
                bindparam("ids", type_=_BIGINT_ARRAY), bindparam("costs", type_=_BIGINT_ARRAY)
            ),
            {"ids": list(changes), "costs": [new for _, new in changes.values()]},
        )
        uow.audit_many(
            actor,
            "catalog.variant.cost",
            "variant",
            [(v, {"cost": old}, {"cost": new}) for v, (old, new) in changes.items()],
            note=f"received on {number}",
        )
        uow.emit_many(
            TOPIC_COST,
            "variant",
            [(v, {"cost": new, "reference": number}, []) for v, (_, new) in changes.items()],
            public=False,
        )
    return changes


# -- helpers -----------------------------------------------------------------------------------


def _merge_lines(lines: Sequence[PurchaseLineInput]) -> dict[int, tuple[int, int]]:
    if not lines:
        raise refused_lines("Add at least one item to the purchase order.")
    merged: dict[int, tuple[int, int]] = {}
    for line in lines:
        if line.quantity < 1:
            raise refused_lines("Order at least 1 of each item.")
        if isinstance(line.unit_cost, bool) or not isinstance(line.unit_cost, int):
            raise refused_lines("A unit cost is a whole number of cents.")
        if line.unit_cost < 0:
            raise refused_lines("A unit cost cannot be below zero.")
        if line.variant_id in merged:
            quantity, cost = merged[line.variant_id]
            if cost != line.unit_cost:
                raise refused_lines(
                    "The same item appears twice with different costs; keep one line."
                )
            merged[line.variant_id] = (quantity + line.quantity, cost)
        else:
            merged[line.variant_id] = (line.quantity, line.unit_cost)
    return dict(sorted(merged.items()))


def _detail(uow: UnitOfWork, order_id: int) -> PurchaseOrderDetail:
    order = uow.session.get(PurchaseOrder, order_id, populate_existing=True)
    if order is None:
        raise NotFound(f"Purchase order {order_id} no longer exists.")
    supplier = uow.session.get(Supplier, order.supplier_id)
    place = uow.session.get(Location, order.location_id)
    assert supplier is not None and place is not None
    creator = (
        uow.session.scalar(select(Staff.full_name).where(Staff.id == order.created_by))
        if order.created_by
        else None
    )
    refs = variant_refs(uow.session, [line.variant_id for line in order.lines])
    return PurchaseOrderDetail(
        id=order.id,
        number=order.number,
        status=order.status,
        supplier_id=order.supplier_id,
        supplier_name=supplier.name,
        location_id=order.location_id,
        location_name=place.name,
        expected_at=order.expected_at,
        note=order.note,
        created_by=creator,
        created_at=order.created_at,
        version=order.version,
        lines=tuple(
            PurchaseLineRow(
                refs[line.variant_id], line.quantity, line.received_quantity, line.unit_cost
            )
            for line in order.lines
        ),
        currency=money_format(uow.session).currency,
    )
