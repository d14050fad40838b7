"""Transfers between locations: draft -> shipped -> (partially) received, or cancelled.

Shipping reserves the quantities at the origin (committed: they are packed, no longer for sale)
and shows them as incoming at the destination. Receiving takes them off both; cancelling a
shipped transfer releases what was not received. Every step is one transaction with its ledger
rows referencing the transfer, and the transfer row is locked first, so two people pressing
"ship" at once ship once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from models.inventory import Location, Transfer, TransferLine
from models.staff import Staff
from models.status import (
    TRANSFER_TRANSITIONS,
    MovementReason,
    TransferStatus,
)
from services.actors import Actor
from services.errors import InvalidTransition, NotFound, ValidationFailed
from services.inventory.documents import (
    announce,
    audit_status,
    check_status_change,
    lock_document,
    refused_lines,
)
from services.inventory.ledger import Movement, Reference, move_stock
from services.inventory.levels import (
    TOPIC_TRANSFER,
    VariantRef,
    announce_levels,
    find_variants_by_code,
    keyset,
    require_variants,
    variant_refs,
)
from services.paging import Page, PageRequest, like_pattern
from services.unit_of_work import UnitOfWork

STATUS_LABELS = {
    TransferStatus.DRAFT: "Draft",
    TransferStatus.SHIPPED: "Shipped",
    TransferStatus.PARTIALLY_RECEIVED: "Partially received",
    TransferStatus.RECEIVED: "Received",
    TransferStatus.CANCELLED: "Cancelled",
}


@dataclass(frozen=True)
class TransferLineRow:
    variant: VariantRef
    quantity: int
    received_quantity: int

    @property
    def remaining(self) -> int:
        return self.quantity - self.received_quantity


@dataclass(frozen=True)
class TransferDetail:
    id: int
    number: str
    status: str
    origin_location_id: int
    origin_name: str
    destination_location_id: int
    destination_name: str
    note: str | None
    created_by: str | None
    created_at: datetime
    shipped_at: datetime | None
    received_at: datetime | None
    version: int
    lines: tuple[TransferLineRow, ...]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def received_units(self) -> int:
        return sum(line.received_quantity for line in self.lines)


@dataclass(frozen=True)
class TransferSummary:
    id: int
    number: str
    status: str
    origin_name: str
    destination_name: str
    line_count: int
    units: int
    received_units: int
    created_at: datetime


def allowed_actions(status: str) -> frozenset[str]:
    """What may be done to a transfer in ``status``: the buttons a screen enables."""
    current = TransferStatus(status)
    actions = set()
    if current is TransferStatus.DRAFT:
        actions.add("edit")
    targets = TRANSFER_TRANSITIONS[current]
    if TransferStatus.SHIPPED in targets:
        actions.add("ship")
    if TransferStatus.RECEIVED in targets:
        actions.add("receive")
    if TransferStatus.CANCELLED in targets:
        actions.add("cancel")
    return frozenset(actions)


def create_transfer(
    uow: UnitOfWork,
    actor: Actor,
    *,
    origin_location_id: int,
    destination_location_id: int,
    lines: Sequence[tuple[int, int]],
    note: str | None = None,
) -> TransferDetail:
    """A draft transfer of (variant, quantity) lines. Nothing moves until it is shipped.

    Raises ValidationFailed (same place twice, no lines, a quantity below 1), NotFound,
    PermissionDenied (``inventory.transfer``).
    """
    if origin_location_id == destination_location_id:
        raise ValidationFailed(
            "Choose two different locations to transfer between.",
            fields={"destination": "The same place as where it comes from."},
        )
    merged = _merge_lines(lines)
    with uow:
        uow.require(actor, "inventory.transfer")
        for place_id in (origin_location_id, destination_location_id):
            place = uow.session.get(Location, place_id)
            if place is None or not place.is_active:
                raise NotFound(f"Location {place_id} does not exist or is closed.")
        require_variants(uow.session, merged)
        transfer = Transfer(
            origin_location_id=origin_location_id,
            destination_location_id=destination_location_id,
            note=note,
            created_by=actor.staff_id,
            lines=[TransferLine(variant_id=v, quantity=q) for v, q in merged.items()],
        )
        uow.session.add(transfer)
        uow.session.flush()
        uow.audit(
            actor,
            "inventory.transfer.create",
            "transfer",
            transfer.id,
            after={"number": transfer.number, "lines": merged},
        )
        announce(uow, TOPIC_TRANSFER, "transfer", transfer)
        detail = _detail(uow, transfer.id)
        uow.commit()
        return detail


def update_transfer(
    uow: UnitOfWork,
    actor: Actor,
    transfer_id: int,
    *,
    version: int,
    lines: Sequence[tuple[int, int]],
    note: str | None = None,
) -> TransferDetail:
    """Replace a draft's lines (and note). Raises Conflict when someone changed it since
    ``version`` was loaded, InvalidTransition once it has shipped."""
    merged = _merge_lines(lines)
    with uow:
        uow.require(actor, "inventory.transfer")
        transfer = lock_document(uow, Transfer, transfer_id, version, "Transfer")
        if transfer.status != TransferStatus.DRAFT:
            raise InvalidTransition(
                f"Transfer {transfer.number} has been {transfer.status}; only a draft can be "
                "edited."
            )
        require_variants(uow.session, merged)
        before = {line.variant_id: line.quantity for line in transfer.lines}
        # change lines in place: replacing them would insert before deleting, and a variant
        # may appear on a transfer once
        existing = {line.variant_id: line for line in transfer.lines}
        for variant_id, line in existing.items():
            if variant_id not in merged:
                transfer.lines.remove(line)
        for variant_id, quantity in merged.items():
            if variant_id in existing:
                existing[variant_id].quantity = quantity
            else:
                transfer.lines.append(TransferLine(variant_id=variant_id, quantity=quantity))
        transfer.note = note
        # touch the transfer row itself so its version moves even when only lines changed
        transfer.updated_at = func.now()
        uow.session.flush()
        uow.audit(
            actor,
            "inventory.transfer.edit",
            "transfer",
            transfer.id,
            before={"lines": before},
            after={"lines": merged},
        )
        announce(uow, TOPIC_TRANSFER, "transfer", transfer)
        detail = _detail(uow, transfer.id)
        uow.commit()
        return detail


def ship_transfer(
    uow: UnitOfWork, actor: Actor, transfer_id: int, *, version: int | None = None
) -> TransferDetail:
    """Ship a draft: commit the quantities at the origin, show them incoming at the
    destination. Raises InsufficientStock (naming every short line) when the origin does not
    have them available, InvalidTransition when it is not a draft, Conflict on a stale
    ``version``."""
    with uow:
        uow.require(actor, "inventory.transfer")
        transfer = lock_document(uow, Transfer, transfer_id, version, "Transfer")
        check_status_change(
            transfer, TRANSFER_TRANSITIONS, TransferStatus.SHIPPED, STATUS_LABELS, "Transfer"
        )
        movements = []
        for line in transfer.lines:
            movements.append(
                Movement(line.variant_id, transfer.origin_location_id, committed=line.quantity)
            )
            movements.append(
                Movement(line.variant_id, transfer.destination_location_id, incoming=line.quantity)
            )
        move_stock(
            uow,
            actor,
            movements,
            reason=MovementReason.TRANSFER_SHIPPED,
            reference=Reference("transfer", transfer.number),
        )
        transfer.status = TransferStatus.SHIPPED
        transfer.shipped_at = datetime.now(UTC)
        uow.session.flush()
        audit_status(
            uow, actor, "transfer", transfer, TransferStatus.DRAFT, "inventory.transfer.ship"
        )
        announce_levels(
            uow,
            [m.key for m in movements],
            reason=MovementReason.TRANSFER_SHIPPED,
            reference=transfer.number,
        )
        announce(uow, TOPIC_TRANSFER, "transfer", transfer)
        detail = _detail(uow, transfer.id)
        uow.commit()
        return detail


def receive_transfer(
    uow: UnitOfWork,
    actor: Actor,
    transfer_id: int,
    quantities: Mapping[int, int] | None = None,
    *,
    note: str | None = None,
) -> TransferDetail:
    """Receive ``quantities`` (variant -> units) at the destination, or everything still
    outstanding when None. The rest stays committed at the origin and incoming at the
    destination until received or cancelled.

    Raises ValidationFailed (a variant not on the transfer, more than is outstanding),
    InvalidTransition (not shipped), PermissionDenied (``inventory.transfer``).
    """
    with uow:
        detail = _receive(uow, actor, transfer_id, quantities, note)
        uow.commit()
        return detail


def _receive(
    uow: UnitOfWork,
    actor: Actor,
    transfer_id: int,
    quantities: Mapping[int, int] | None,
    note: str | None,
) -> TransferDetail:
    uow.require(actor, "inventory.transfer")
    transfer = lock_document(uow, Transfer, transfer_id, None, "Transfer")
    if transfer.status not in (TransferStatus.SHIPPED, TransferStatus.PARTIALLY_RECEIVED):
        label = STATUS_LABELS[TransferStatus(transfer.status)].lower()
        raise InvalidTransition(
            f"Transfer {transfer.number} is {label}; only a shipped transfer can be received."
        )
    by_variant = {line.variant_id: line for line in transfer.lines}
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
            problems.append(f"{name} is not on transfer {transfer.number}")
        elif quantity > line.quantity - line.received_quantity:
            problems.append(
                f"{name}: {quantity} received but only "
                f"{line.quantity - line.received_quantity} still expected"
            )
    if problems:
        raise ValidationFailed("Nothing was received: " + "; ".join(problems) + ".")
    movements = []
    for variant_id, quantity in wanted.items():
        movements.append(
            Movement(
                variant_id,
                transfer.origin_location_id,
                on_hand=-quantity,
                committed=-quantity,
            )
        )
        movements.append(
            Movement(
                variant_id,
                transfer.destination_location_id,
                on_hand=quantity,
                incoming=-quantity,
            )
        )
        by_variant[variant_id].received_quantity += quantity
    move_stock(
        uow,
        actor,
        movements,
        reason=MovementReason.TRANSFER_RECEIVED,
        reference=Reference("transfer", transfer.number),
        note=note,
    )
    before = TransferStatus(transfer.status)
    done = all(line.received_quantity == line.quantity for line in transfer.lines)
    target = TransferStatus.RECEIVED if done else TransferStatus.PARTIALLY_RECEIVED
    check_status_change(transfer, TRANSFER_TRANSITIONS, target, STATUS_LABELS, "Transfer")
    transfer.status = target
    if done:
        transfer.received_at = datetime.now(UTC)
    uow.session.flush()
    audit_status(
        uow,
        actor,
        "transfer",
        transfer,
        before,
        "inventory.transfer.receive",
        extra={"received": wanted},
    )
    announce_levels(
        uow,
        [m.key for m in movements],
        reason=MovementReason.TRANSFER_RECEIVED,
        reference=transfer.number,
    )
    announce(uow, TOPIC_TRANSFER, "transfer", transfer)
    return _detail(uow, transfer.id)


def receive_transfer_scan(
    uow: UnitOfWork, actor: Actor, transfer_id: int, code: str, quantity: int = 1
) -> tuple[TransferDetail, TransferLineRow]:
    """Receive ``quantity`` units of the item a scanned ``code`` names, in one transaction.
    Raises NotFound for an unknown code, ValidationFailed when it is not on the transfer or
    already received."""
    with uow:
        found = find_variants_by_code(uow.session, code)
        if not found:
            raise NotFound(f"No item has the barcode or SKU {code!r}.")
        transfer = uow.session.get(Transfer, transfer_id)
        if transfer is None:
            raise NotFound(f"Transfer {transfer_id} no longer exists.")
        on_transfer = {line.variant_id for line in transfer.lines}
        matches = [v for v in found if v.variant_id in on_transfer]
        if not matches:
            raise ValidationFailed(f"{found[0].label} is not on transfer {transfer.number}.")
        variant_id = matches[0].variant_id
        line = next(line for line in transfer.lines if line.variant_id == variant_id)
        if line.received_quantity >= line.quantity:
            raise ValidationFailed(
                f"All {line.quantity} of {matches[0].label} on transfer {transfer.number} "
                "have been received."
            )
        detail = _receive(uow, actor, transfer_id, {variant_id: quantity}, None)
        uow.commit()
    row = next(row for row in detail.lines if row.variant.variant_id == variant_id)
    return detail, row


def cancel_transfer(
    uow: UnitOfWork, actor: Actor, transfer_id: int, *, note: str | None = None
) -> TransferDetail:
    """Cancel a transfer. A shipped one releases what was not received: no longer committed
    at the origin, no longer incoming at the destination. What was received stays."""
    with uow:
        uow.require(actor, "inventory.transfer")
        transfer = lock_document(uow, Transfer, transfer_id, None, "Transfer")
        before = TransferStatus(transfer.status)
        check_status_change(
            transfer, TRANSFER_TRANSITIONS, TransferStatus.CANCELLED, STATUS_LABELS, "Transfer"
        )
        movements = []
        for line in transfer.lines:
            remaining = line.quantity - line.received_quantity
            if before is not TransferStatus.DRAFT and remaining:
                movements.append(
                    Movement(line.variant_id, transfer.origin_location_id, committed=-remaining)
                )
                movements.append(
                    Movement(line.variant_id, transfer.destination_location_id, incoming=-remaining)
                )
        if movements:
            move_stock(
                uow,
                actor,
                movements,
                reason=MovementReason.TRANSFER_CANCELLED,
                reference=Reference("transfer", transfer.number),
                note=note,
            )
        transfer.status = TransferStatus.CANCELLED
        uow.session.flush()
        audit_status(
            uow, actor, "transfer", transfer, before, "inventory.transfer.cancel", note=note
        )
        announce_levels(
            uow,
            [m.key for m in movements],
            reason=MovementReason.TRANSFER_CANCELLED,
            reference=transfer.number,
        )
        announce(uow, TOPIC_TRANSFER, "transfer", transfer)
        detail = _detail(uow, transfer.id)
        uow.commit()
        return detail


def get_transfer(uow: UnitOfWork, transfer_id: int) -> TransferDetail:
    with uow:
        return _detail(uow, transfer_id)


def list_transfers(uow: UnitOfWork, request: PageRequest) -> Page[TransferSummary]:
    """Transfers, newest first. Filters: ``status`` (one or a list), ``location_id`` (either
    end). ``search`` matches the number (T-1001)."""
    origin = Location.__table__.alias("o")
    destination = Location.__table__.alias("d")
    counts = (
        select(
            TransferLine.transfer_id,
            func.count().label("line_count"),
            func.sum(TransferLine.quantity).label("units"),
            func.sum(TransferLine.received_quantity).label("received_units"),
        )
        .group_by(TransferLine.transfer_id)
        .subquery()
    )
    statement = (
        select(
            Transfer.id,
            Transfer.number,
            Transfer.status,
            origin.c.name.label("origin_name"),
            destination.c.name.label("destination_name"),
            func.coalesce(counts.c.line_count, 0).label("line_count"),
            func.coalesce(counts.c.units, 0).label("units"),
            func.coalesce(counts.c.received_units, 0).label("received_units"),
            Transfer.created_at,
        )
        .join(origin, origin.c.id == Transfer.origin_location_id)
        .join(destination, destination.c.id == Transfer.destination_location_id)
        .outerjoin(counts, counts.c.transfer_id == Transfer.id)
    )
    status = request.filters.get("status")
    if status:
        statement = statement.where(
            Transfer.status.in_([status] if isinstance(status, str) else list(status))
        )
    place = request.filters.get("location_id")
    if place:
        statement = statement.where(
            (Transfer.origin_location_id == place) | (Transfer.destination_location_id == place)
        )
    if request.search:
        statement = statement.where(Transfer.number.ilike(like_pattern(request.search.strip())))
    with uow:
        rows, next_after = keyset(
            uow.session, statement, [Transfer.id], request.after, request.limit, descending=True
        )
        return Page(
            [
                TransferSummary(
                    r.id,
                    r.number,
                    r.status,
                    r.origin_name,
                    r.destination_name,
                    r.line_count,
                    int(r.units),
                    int(r.received_units),
                    r.created_at,
                )
                for r in rows
            ],
            next_after,
        )


# -- helpers -----------------------------------------------------------------------------------


def _merge_lines(lines: Sequence[tuple[int, int]]) -> dict[int, int]:
    if not lines:
        raise refused_lines("Add at least one item to the transfer.")
    merged: dict[int, int] = {}
    for variant_id, quantity in lines:
        if quantity < 1:
            raise refused_lines("Transfer at least 1 of each item.")
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    return dict(sorted(merged.items()))


def _detail(uow: UnitOfWork, transfer_id: int) -> TransferDetail:
    transfer = uow.session.get(Transfer, transfer_id, populate_existing=True)
    if transfer is None:
        raise NotFound(f"Transfer {transfer_id} no longer exists.")
    names = dict(
        uow.session.execute(
            select(Location.id, Location.name).where(
                Location.id.in_([transfer.origin_location_id, transfer.destination_location_id])
            )
        ).all()
    )
    creator = (
        uow.session.scalar(select(Staff.full_name).where(Staff.id == transfer.created_by))
        if transfer.created_by
        else None
    )
    refs = variant_refs(uow.session, [line.variant_id for line in transfer.lines])
    return TransferDetail(
        id=transfer.id,
        number=transfer.number,
        status=transfer.status,
        origin_location_id=transfer.origin_location_id,
        origin_name=names[transfer.origin_location_id],
        destination_location_id=transfer.destination_location_id,
        destination_name=names[transfer.destination_location_id],
        note=transfer.note,
        created_by=creator,
        created_at=transfer.created_at,
        shipped_at=transfer.shipped_at,
        received_at=transfer.received_at,
        version=transfer.version,
        lines=tuple(
            TransferLineRow(refs[line.variant_id], line.quantity, line.received_quantity)
            for line in transfer.lines
        ),
    )
