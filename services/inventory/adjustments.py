"""Adjusting stock by hand: one line or a multi-line adjustment document, with a reason code,
and moving quantities between states (available, damaged, quality control, ...).

An adjustment document has a number (``ADJ-1001``) and is its ledger rows: every line is a
movement referencing it, so the ledger shows who adjusted what, why, and in which document.
A document applies whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger

from models.status import MovementReason
from services.actors import Actor
from services.errors import Conflict, NotFound, ValidationFailed
from services.inventory.ledger import Movement, Reference, move_stock
from services.inventory.levels import (
    STATE_NAMES,
    UNAVAILABLE_STATES,
    VARIANT_REFS_SQL,
    Figures,
    VariantRef,
    announce_levels,
    locked_figures,
    require_all_found,
    variant_refs_from_json,
)
from services.unit_of_work import GRANTED, UnitOfWork

#: the reasons a person may give for an adjustment, in the order the dialog lists them
ADJUSTMENT_REASONS = (
    MovementReason.CORRECTION,
    MovementReason.COUNT,
    MovementReason.RECEIVED,
    MovementReason.RETURN_RESTOCK,
    MovementReason.DAMAGED,
    MovementReason.THEFT_OR_LOSS,
    MovementReason.PROMOTION_OR_DONATION,
    MovementReason.OTHER,
)
#: by the reason's code (a MovementReason is its code), so a row's text finds its label
REASON_LABELS: dict[str, str] = {
    MovementReason.CORRECTION: "Correction",
    MovementReason.COUNT: "Count",
    MovementReason.RECEIVED: "Received",
    MovementReason.RETURN_RESTOCK: "Return restock",
    MovementReason.DAMAGED: "Damaged",
    MovementReason.THEFT_OR_LOSS: "Theft or loss",
    MovementReason.PROMOTION_OR_DONATION: "Promotion or donation",
    MovementReason.OTHER: "Other",
    MovementReason.IMPORT: "Import",
    MovementReason.RESERVED: "Reserved for an order",
    MovementReason.RELEASED: "Released from an order",
    MovementReason.FULFILLED: "Fulfilled",
    MovementReason.TRANSFER_SHIPPED: "Transfer shipped",
    MovementReason.TRANSFER_RECEIVED: "Transfer received",
    MovementReason.TRANSFER_CANCELLED: "Transfer cancelled",
    MovementReason.PURCHASE_ORDERED: "Purchase ordered",
    MovementReason.PURCHASE_CANCELLED: "Purchase cancelled",
    MovementReason.STATE_CHANGE: "Moved between states",
    MovementReason.WRITE_OFF: "Written off",
}
#: the states an adjustment line may change: on hand, or an unavailable state (which changes
#: on hand with it: new damaged stock arrives, damaged stock is thrown away)
ADJUSTABLE_STATES = ("on_hand", *UNAVAILABLE_STATES)
#: where "move between states" may take stock from and to
MOVABLE_STATES = ("available", *UNAVAILABLE_STATES)


@dataclass(frozen=True)
class AdjustmentLine:
    """Change one figure of one variant at one location: by ``change`` units, or ``set_to`` a
    new figure. ``expected`` is the figure the person saw; if it has changed since, the whole
    document is refused with a Conflict rather than silently applied to different stock."""

    variant_id: int
    location_id: int
    change: int | None = None
    set_to: int | None = None
    state: str = "on_hand"
    expected: int | None = None


@dataclass(frozen=True)
class StateMove:
    variant_id: int
    location_id: int
    quantity: int
    from_state: str
    to_state: str


@dataclass(frozen=True)
class AdjustedLine:
    variant: VariantRef
    location_id: int
    before: Figures
    after: Figures


@dataclass(frozen=True)
class AdjustmentResult:
    #: "ADJ-1001", the reference on every ledger row of the document
    number: str
    reason: str
    lines: tuple[AdjustedLine, ...]


def adjust_stock(
    uow: UnitOfWork,
    actor: Actor,
    lines: Sequence[AdjustmentLine],
    *,
    reason: MovementReason | str,
    note: str | None = None,
) -> AdjustmentResult:
    """Apply an adjustment document: every line or none.

    Raises ValidationFailed (no lines, a bad reason or state, a line with both or neither of
    change and set_to, nothing to change), NotFound (a variant or location gone), Conflict
    (a figure changed since the person saw it), InsufficientStock (a deny-policy variant would
    go below zero available) and PermissionDenied (``inventory.adjust``).
    """
    reason = _adjustment_reason(reason)
    _validate_lines(lines)
    with uow:
        number, refs = _open_document(
            uow, actor, {line.variant_id for line in lines}, {line.location_id for line in lines}
        )
        before = locked_figures(uow, [(line.variant_id, line.location_id) for line in lines])
        changes: dict[tuple[int, int], dict[str, int]] = {}
        conflicts = []
        for line in lines:
            key = (line.variant_id, line.location_id)
            current = getattr(before[key], line.state)
            if line.expected is not None and line.expected != current:
                conflicts.append(
                    f"{refs[line.variant_id].label}: {STATE_NAMES[line.state]} is now "
                    f"{current}, you saw {line.expected}"
                )
            delta = line.change if line.change is not None else int(line.set_to or 0) - current
            entry = changes.setdefault(key, {})
            entry[line.state] = entry.get(line.state, 0) + delta
            if line.state != "on_hand":
                entry["on_hand"] = entry.get("on_hand", 0) + delta
        if conflicts:
            raise Conflict(
                "The stock changed since you opened it, so nothing was adjusted: "
                + "; ".join(conflicts)
                + ". Reload and try again."
            )
        movements = [Movement(k[0], k[1], **v) for k, v in sorted(changes.items())]
        movements = [m for m in movements if not m.is_empty]
        if not movements:
            raise ValidationFailed("Nothing to adjust: every line leaves the stock as it is.")
        move_stock(
            uow,
            actor,
            movements,
            reason=reason,
            reference=Reference("adjustment", number),
            note=note,
            levels_locked=True,
        )
        result = _finish(
            uow, actor, "inventory.adjust", number, reason, refs, before, movements, note
        )
        uow.commit()
        return result


def move_between_states(
    uow: UnitOfWork,
    actor: Actor,
    moves: Sequence[StateMove],
    *,
    reason: MovementReason | str = MovementReason.STATE_CHANGE,
    note: str | None = None,
) -> AdjustmentResult:
    """Move quantities between available and the unavailable states (damaged, quality
    control, safety stock, other); on hand does not change. Every move or none.

    Raises ValidationFailed (bad states or quantities, or not enough stock in the state a move
    takes from), NotFound, PermissionDenied (``inventory.adjust``).
    """
    reason = MovementReason(reason)
    if reason not in (*ADJUSTMENT_REASONS, MovementReason.STATE_CHANGE):
        raise ValidationFailed(f"{reason!r} is not a reason for moving stock between states.")
    if not moves:
        raise ValidationFailed("Add at least one line to move.")
    for move in moves:
        if move.from_state not in MOVABLE_STATES or move.to_state not in MOVABLE_STATES:
            raise ValidationFailed(
                "Stock moves between available, damaged, quality control, safety stock and "
                "other unavailable."
            )
        if move.from_state == move.to_state:
            raise ValidationFailed("Choose two different states to move stock between.")
        if move.quantity <= 0:
            raise ValidationFailed("Move a quantity of at least 1.")
    with uow:
        number, refs = _open_document(
            uow, actor, {m.variant_id for m in moves}, {m.location_id for m in moves}
        )
        before = locked_figures(uow, [(m.variant_id, m.location_id) for m in moves])
        changes: dict[tuple[int, int], dict[str, int]] = {}
        for move in moves:
            entry = changes.setdefault((move.variant_id, move.location_id), {})
            if move.from_state != "available":
                entry[move.from_state] = entry.get(move.from_state, 0) - move.quantity
            if move.to_state != "available":
                entry[move.to_state] = entry.get(move.to_state, 0) + move.quantity
        problems = []
        for key, entry in sorted(changes.items()):
            now = before[key]
            after_available = now.available - sum(entry.values())
            short = [
                f"{STATE_NAMES[s]} has {getattr(now, s)}"
                for s, d in entry.items()
                if getattr(now, s) + d < 0
            ]
            if after_available < 0 and refs[key[0]].inventory_policy == "deny":
                short.append(f"available has {now.available}")
            if short:
                problems.append(f"{refs[key[0]].label}: {', '.join(short)}")
        if problems:
            raise ValidationFailed(
                "Not enough stock to move, so nothing was moved: " + "; ".join(problems) + "."
            )
        movements = [Movement(k[0], k[1], **v) for k, v in sorted(changes.items())]
        movements = [m for m in movements if not m.is_empty]
        if not movements:
            raise ValidationFailed("Nothing to move: the lines cancel each other out.")
        move_stock(
            uow,
            actor,
            movements,
            reason=reason,
            reference=Reference("adjustment", number),
            note=note,
            levels_locked=True,
        )
        result = _finish(
            uow, actor, "inventory.move_state", number, reason, refs, before, movements, note
        )
        uow.commit()
        return result


_OPEN_DOCUMENT = text(
    f"SELECT {GRANTED} AS granted, nextval('stock_adjustment_number_seq') AS number, "
    "array(SELECT id FROM locations WHERE id = ANY(:location_ids)) AS found, "
    "array(SELECT name FROM locations WHERE id = ANY(:location_ids) AND NOT is_active) AS closed, "
    f"(SELECT coalesce(jsonb_agg(r), '[]') FROM ({VARIANT_REFS_SQL}) r) AS variants"
).bindparams(
    bindparam("location_ids", type_=ARRAY(BigInteger)),
    bindparam("variant_ids", type_=ARRAY(BigInteger)),
)


def _open_document(
    uow: UnitOfWork, actor: Actor, variant_ids: set[int], location_ids: set[int]
) -> tuple[str, dict[int, VariantRef]]:
    """Check that ``actor`` may adjust stock, then return the document's number ("ADJ-1001")
    and its variants, once they and its locations are known to exist and the locations to be
    open. One round trip for all of it: a single adjustment should cost as little as it can."""
    row = uow.execute(
        _OPEN_DOCUMENT,
        {
            "staff": actor.staff_id,
            "permission": "inventory.adjust",
            "location_ids": sorted(location_ids),
            "variant_ids": sorted(variant_ids),
        },
    ).one()
    uow.require(actor, "inventory.adjust", granted=row.granted)
    refs = require_all_found(variant_ids, variant_refs_from_json(row.variants))
    missing = sorted(location_ids - set(row.found))
    if missing:
        raise NotFound(f"Location {', '.join(map(str, missing))} no longer exists.")
    if row.closed:
        raise ValidationFailed(
            f"{', '.join(row.closed)} is closed; reopen it before changing its stock."
        )
    return f"ADJ-{row.number}", refs


def _adjustment_reason(reason: MovementReason | str) -> MovementReason:
    try:
        value = MovementReason(reason)
    except ValueError:
        value = None
    if value not in ADJUSTMENT_REASONS:
        choices = ", ".join(REASON_LABELS[r].lower() for r in ADJUSTMENT_REASONS)
        raise ValidationFailed(
            f"Choose a reason for the adjustment: {choices}.",
            fields={"reason": "Choose a reason"},
        )
    assert value is not None
    return value


def _validate_lines(lines: Sequence[AdjustmentLine]) -> None:
    if not lines:
        raise ValidationFailed("Add at least one line to adjust.")
    seen_set: set[tuple[int, int, str]] = set()
    for line in lines:
        if line.state not in ADJUSTABLE_STATES:
            raise ValidationFailed(
                f"{line.state!r} cannot be adjusted; adjust on hand or an unavailable state."
            )
        if (line.change is None) == (line.set_to is None):
            raise ValidationFailed("Give each line either a change or a new quantity, not both.")
        if line.set_to is not None:
            if line.set_to < 0:
                raise ValidationFailed("A new quantity cannot be below zero.")
            key = (line.variant_id, line.location_id, line.state)
            if key in seen_set:
                raise ValidationFailed(
                    "The same item appears twice with a new quantity; keep one line."
                )
            seen_set.add(key)


def _finish(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    number: str,
    reason: MovementReason,
    refs: dict[int, VariantRef],
    before: dict[tuple[int, int], Figures],
    movements: Sequence[Movement],
    note: str | None,
) -> AdjustmentResult:
    """Audit and announce a document whose movements were applied to ``before`` (locked)."""
    lines = []
    for m in movements:
        old = before[m.key]
        new = Figures(
            m.variant_id,
            m.location_id,
            **{s: getattr(old, s) + getattr(m, s) for s in old.as_dict() if s != "available"},
        )
        lines.append(AdjustedLine(refs[m.variant_id], m.location_id, old, new))
    uow.audit_many(
        actor,
        action,
        "inventory_level",
        [
            (
                f"{line.variant.variant_id}:{line.location_id}",
                line.before.as_dict(),
                line.after.as_dict(),
            )
            for line in lines
        ],
        note=f"{number} ({reason.value})" + (f": {note}" if note else ""),
    )
    announce_levels(uow, [m.key for m in movements], reason=reason.value, reference=number)
    return AdjustmentResult(number, reason.value, tuple(lines))
