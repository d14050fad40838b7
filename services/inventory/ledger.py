"""The stock ledger: the one place stock figures change.

Every change to ``inventory_levels`` happens in the same SQL statement that appends its
``stock_movements`` rows (a one-line reservation: in the same call of ``reserve_stock``), so
the figures and the ledger always agree (``verify_ledger`` proves it). Rows are locked in
(variant, location) order so concurrent multi-line operations cannot deadlock. Reservations
are a conditional UPDATE (``available >= quantity``), never a read then a write in Python, so
stock is never oversold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger, Integer

from models.status import MovementReason
from services.actors import Actor
from services.arrays import literal
from services.errors import InsufficientStock, Shortage
from services.unit_of_work import Refusal, UnitOfWork

#: the figures a movement may change, in ledger column order
STATES = (
    "on_hand",
    "committed",
    "damaged",
    "quality_control",
    "safety_stock",
    "other_unavailable",
    "incoming",
)


@dataclass(frozen=True)
class Movement:
    """Deltas to apply to one variant at one location."""

    variant_id: int
    location_id: int
    on_hand: int = 0
    committed: int = 0
    damaged: int = 0
    quality_control: int = 0
    safety_stock: int = 0
    other_unavailable: int = 0
    incoming: int = 0

    @property
    def key(self) -> tuple[int, int]:
        return (self.variant_id, self.location_id)

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, state) == 0 for state in STATES)


@dataclass(frozen=True)
class Reference:
    """The document a movement came from, shown in the ledger: ("order", "1042")."""

    type: str
    id: str

    @classmethod
    def of(cls, type_: str, id_: object) -> Reference:
        return cls(type_, str(id_))


_INT_ARRAY = ARRAY(Integer)
_BIGINT_ARRAY = ARRAY(BigInteger)


def _new(state: str) -> str:
    return f"(l.{state} + d.{state})"


#: the CHECK constraints of inventory_levels, on the figures a movement would leave; kept in
#: step with models.inventory.InventoryLevel so a refused move is caught before it is written
_ROW_OK = " AND ".join(
    [
        *(f"{_new(s)} >= 0" for s in STATES[1:]),
        f"(l.allow_negative OR ({_new('on_hand')} >= 0 AND {_new('on_hand')} - "
        + " - ".join(_new(s) for s in STATES[1:6])
        + " >= 0))",
    ]
)


def _apply(only_if: str = "") -> str:
    """The UPDATE of the levels in ``d`` and the INSERT of their ledger rows, as one statement's
    tail: a level is changed only if its figures stay legal (and ``only_if`` holds), and a ledger
    row is written for each level changed."""
    return f"""
    upd AS (
        UPDATE inventory_levels l SET
            {", ".join(f"{s} = l.{s} + d.{s}" for s in STATES)},
            updated_at = now()
        FROM d
        WHERE l.variant_id = d.variant_id AND l.location_id = d.location_id AND {_ROW_OK}
          {only_if}
        RETURNING l.variant_id, l.location_id
    )
    INSERT INTO stock_movements (variant_id, location_id,
        {", ".join(f"{s}_delta" for s in STATES)},
        reason, reference_type, reference_id, note, staff_id)
    SELECT d.variant_id, d.location_id, {", ".join(f"d.{s}" for s in STATES)},
        :reason, :reference_type, :reference_id, :note, :staff_id
    FROM d JOIN upd USING (variant_id, location_id)
    """


# Several levels, all or nothing in one statement, with no savepoint: they are locked
# beforehand, so this statement's snapshot is current and ``gate`` is exact.
_MOVE = text(
    f"""
    WITH d AS (
        SELECT * FROM unnest(:variant_ids, :location_ids, {", ".join(f":{s}" for s in STATES)})
            AS d(variant_id, location_id, {", ".join(STATES)})
    ),
    gate AS (
        SELECT count(*) = :line_count AND coalesce(bool_and({_ROW_OK}), false) AS ok
        FROM inventory_levels l JOIN d USING (variant_id, location_id)
    ),
    {_apply("AND (SELECT ok FROM gate)")}
    """
).bindparams(
    bindparam("variant_ids", type_=_BIGINT_ARRAY),
    bindparam("location_ids", type_=_BIGINT_ARRAY),
    *(bindparam(s, type_=_INT_ARRAY) for s in STATES),
)

#: ``_MOVE`` for one level (a single adjustment, a scan received): scalar parameters, which the
#: server plans in half the time of the arrays, and no gate: the row checks itself, and
#: PostgreSQL checks it again after waiting for its lock
_MOVE_ONE = text(
    f"""
    WITH d AS (
        SELECT CAST(:variant_id AS bigint) AS variant_id,
               CAST(:location_id AS bigint) AS location_id,
               {", ".join(f"CAST(:{s} AS integer) AS {s}" for s in STATES)}
    ),
    {_apply()}
    """
)


#: one statement for every line, sent with the next statement or the COMMIT (``uow.defer``):
#: a line is reserved only where enough is available, and if any line is not, the statement
#: refuses with the lines it could not reserve, so the whole unit of work rolls back
_RESERVE = """
    WITH d AS (
        SELECT * FROM unnest(%(variant_ids)s::bigint[], %(location_ids)s::bigint[],
                             %(quantities)s::int[]) AS d(variant_id, location_id, quantity)
    ),
    upd AS (
        UPDATE inventory_levels l SET committed = l.committed + d.quantity, updated_at = now()
        FROM d
        WHERE l.variant_id = d.variant_id AND l.location_id = d.location_id
          AND (l.allow_negative OR l.available >= d.quantity)
        RETURNING l.variant_id, l.location_id, d.quantity
    ),
    ins AS (
        INSERT INTO stock_movements (variant_id, location_id, committed_delta, reason,
                                     reference_type, reference_id, note, staff_id)
        SELECT variant_id, location_id, quantity, 'reserved', %(reference_type)s::text,
               %(reference_id)s::text, %(note)s::text, %(staff_id)s::bigint
        FROM upd
    )
    SELECT refuse('insufficient_stock', (
        SELECT jsonb_agg(jsonb_build_array(d.variant_id, d.location_id, d.quantity))
        FROM d WHERE (d.variant_id, d.location_id) NOT IN (SELECT variant_id, location_id FROM upd)
    ))
    WHERE (SELECT count(*) FROM upd) < cardinality(%(variant_ids)s::bigint[])
"""

#: ``_RESERVE`` for one line, a hot SKU's: the ledger row first, before the level's lock is
#: taken, so the row stays locked only for its UPDATE and the COMMIT (a function kept by the
#: server with its plans: models/migrations/versions/inventory_0003_reserve_stock.py)
_RESERVE_ONE = """
    SELECT reserve_stock(%(variant_id)s, %(location_id)s, %(quantity)s, %(reference_type)s,
                         %(reference_id)s, %(note)s, %(staff_id)s)
"""

_LOCK = """
    SELECT 1 FROM inventory_levels l
    JOIN unnest(%(v)s::bigint[], %(l)s::bigint[]) AS k(v, l)
      ON l.variant_id = k.v AND l.location_id = k.l
    ORDER BY l.variant_id, l.location_id FOR UPDATE OF l
"""


_ENSURE = text(
    """
    WITH k AS (SELECT * FROM unnest(:v, :l) AS k(v, l)),
    ins AS (
        INSERT INTO inventory_levels (variant_id, location_id)
        SELECT k.v, k.l FROM k JOIN variants x ON x.id = k.v AND x.track_stock
        ORDER BY 1, 2 ON CONFLICT DO NOTHING
    )
    SELECT DISTINCT k.v FROM k JOIN variants x ON x.id = k.v AND NOT x.track_stock
    """
).bindparams(bindparam("v", type_=_BIGINT_ARRAY), bindparam("l", type_=_BIGINT_ARRAY))


def ensure_levels(uow: UnitOfWork, keys: Iterable[tuple[int, int]]) -> None:
    """Create zero inventory levels for (variant, location) pairs that have none yet.

    A variant whose stock is not counted (``variants.track_stock``: a gift card, a service)
    gets none: it is always sellable. The unit of work remembers such variants, and
    ``reserve`` and ``move_stock`` leave them out.
    """
    keys = sorted(set(keys))
    if not keys:
        return
    not_counted = uow.execute(_ENSURE, {"v": [k[0] for k in keys], "l": [k[1] for k in keys]})
    _not_counted(uow).update(not_counted.scalars())


def _not_counted(uow: UnitOfWork) -> set[int]:
    """Variants of this unit of work whose stock is not counted (found by ``ensure_levels``)."""
    found: set[int] = uow.session.info.setdefault("variants_not_counted", set())
    return found


def lock_levels(uow: UnitOfWork, keys: Iterable[tuple[int, int]]) -> None:
    """Lock inventory levels in (variant, location) order, the one order every path uses.
    The lock is taken before the unit of work's next statement, without a round trip of its
    own."""
    keys = sorted(set(keys))
    if len(keys) < 2:
        return  # a single-row UPDATE takes its own lock; nothing to order
    uow.defer(
        _LOCK,
        {
            "v": literal([k[0] for k in keys], "bigint"),
            "l": literal([k[1] for k in keys], "bigint"),
        },
    )


def move_stock(
    uow: UnitOfWork,
    actor: Actor,
    movements: Sequence[Movement],
    *,
    reason: MovementReason,
    reference: Reference | None = None,
    note: str | None = None,
    levels_locked: bool = False,
    record_unchanged: bool = False,
) -> int:
    """Apply ``movements`` and append one ledger row each; returns how many rows moved.

    Movements for the same variant and location are merged. Missing levels are created.
    ``record_unchanged`` keeps movements whose deltas are all zero as ledger rows, for a note
    that a figure was looked at and left (an import that took a negative quantity as zero).
    Raises InsufficientStock (naming every short line) when a figure would go below zero for a
    deny-policy variant; then nothing was changed and the unit of work is still usable.
    ``levels_locked`` says the caller already created and locked every level (in order), as
    ``levels.locked_figures`` does, so they are not created and locked again.
    """
    merged = _merge(movements, keep_empty=record_unchanged)
    if not merged:
        return 0
    if not levels_locked:
        ensure_levels(uow, [m.key for m in merged])
        not_counted = _not_counted(uow)
        merged = [m for m in merged if m.variant_id not in not_counted]
        if not merged:
            return 0
        lock_levels(uow, [m.key for m in merged])
    why = {
        "reason": MovementReason(reason).value,
        "reference_type": reference.type if reference else None,
        "reference_id": reference.id if reference else None,
        "note": note,
        "staff_id": actor.staff_id,
    }
    if len(merged) == 1:
        [m] = merged
        figures = {s: getattr(m, s) for s in STATES}
        params = {"variant_id": m.variant_id, "location_id": m.location_id, **figures, **why}
        moved = int(uow.execute(_MOVE_ONE, params).rowcount)
    else:
        params = {
            "variant_ids": [m.variant_id for m in merged],
            "location_ids": [m.location_id for m in merged],
            **{s: [getattr(m, s) for m in merged] for s in STATES},
            "line_count": len(merged),
            **why,
        }
        moved = int(uow.execute(_MOVE, params).rowcount)
    if moved < len(merged):
        raise InsufficientStock(_shortages(uow, merged))
    return moved


_OPEN = """
    WITH d AS (
        SELECT * FROM unnest(%(variant_ids)s::bigint[], %(location_ids)s::bigint[],
                             %(on_hand)s::integer[])
            AS d(variant_id, location_id, on_hand)
    ),
    ins AS (
        INSERT INTO inventory_levels (variant_id, location_id, on_hand, allow_negative)
        SELECT d.variant_id, d.location_id, d.on_hand, v.inventory_policy = 'continue'
        FROM d JOIN variants v ON v.id = d.variant_id
        RETURNING variant_id, location_id, on_hand
    )
    INSERT INTO stock_movements (variant_id, location_id, on_hand_delta, reason,
                                 reference_type, reference_id, note, staff_id)
    SELECT variant_id, location_id, on_hand, %(reason)s, %(reference_type)s, %(reference_id)s,
           %(note)s, %(staff_id)s
    FROM ins
"""


def open_levels(
    uow: UnitOfWork,
    actor: Actor,
    opening: Sequence[tuple[int, int, int]],
    *,
    reason: MovementReason,
    reference: Reference | None = None,
    note: str | None = None,
) -> int:
    """Give variants created in this unit of work their first level at locations, with its
    on-hand figure and its ledger row, in one statement; returns how many levels it opens.

    For stock that arrives with new variants (an import): inserting a level and appending its
    ledger row together costs a third of creating an empty level and moving stock into it,
    and the figure and the ledger agree just the same. A new variant has no level anywhere,
    so there is no conflict to look for. The write is deferred (``UnitOfWork.defer``): a
    level the store refuses (below zero where the variant may not be oversold, or a level
    already there) fails the unit of work's next statement or its commit.
    """
    lines = sorted({(v, loc): q for v, loc, q in opening if q}.items())
    if lines:
        uow.defer(
            _OPEN,
            {
                "variant_ids": literal([k[0] for k, _ in lines], "bigint"),
                "location_ids": literal([k[1] for k, _ in lines], "bigint"),
                "on_hand": literal([q for _, q in lines], "integer"),
                "reason": MovementReason(reason).value,
                "reference_type": reference.type if reference else None,
                "reference_id": reference.id if reference else None,
                "note": note,
                "staff_id": actor.staff_id,
            },
        )
    return len(lines)


def reserve(
    uow: UnitOfWork,
    actor: Actor,
    lines: Sequence[tuple[int, int, int]],
    *,
    reference: Reference,
    note: str | None = None,
) -> None:
    """Commit stock for (variant, location, quantity) lines, all or none. Lines of variants
    whose stock is not counted (as ``ensure_levels``, called first, found) are left out.

    One conditional UPDATE: a line is reserved only where ``available >= quantity`` (or the
    variant allows backorders). It is deferred (``UnitOfWork.defer``): it reaches the store
    with the unit of work's next statement or its COMMIT, in the same round trip, so a hot
    row is not held locked while the client hears back. If any line is short, the unit of
    work rolls back and raises InsufficientStock naming every short line.
    """
    quantities: dict[tuple[int, int], int] = {}
    not_counted = _not_counted(uow)
    for variant_id, location_id, quantity in lines:
        if quantity <= 0:
            raise ValueError("reserve positive quantities")
        if variant_id in not_counted:
            continue
        quantities[(variant_id, location_id)] = quantities.get((variant_id, location_id), 0) + (
            quantity
        )
    keys = sorted(quantities)
    if not keys:
        return
    why = {
        "reference_type": reference.type,
        "reference_id": reference.id,
        "note": note,
        "staff_id": actor.staff_id,
    }
    if len(keys) == 1:
        # the storefront's usual order, and a hot SKU's: one row, so no locking order to keep
        [(variant_id, location_id)] = keys
        quantity = quantities[keys[0]]
        params: dict[str, Any] = {
            "variant_id": variant_id,
            "location_id": location_id,
            "quantity": quantity,
            **why,
        }
        uow.defer(_RESERVE_ONE, params, refusal=_SHORT)
        return
    lock_levels(uow, keys)
    uow.defer(
        _RESERVE,
        {
            "variant_ids": [k[0] for k in keys],
            "location_ids": [k[1] for k in keys],
            "quantities": [quantities[k] for k in keys],
            **why,
        },
        refusal=_SHORT,
    )


def _explain_shortage(uow: UnitOfWork, lines: list[list[int]]) -> InsufficientStock:
    """The lines a reservation could not take, read again after the rollback. If another
    transaction has put stock back meanwhile, every line is still named, with what it sees."""
    short = [Movement(v, loc, committed=q) for v, loc, q in lines]
    return InsufficientStock(_shortages(uow, short) or _shortages(uow, short, every=True))


_SHORT = Refusal("insufficient_stock", _explain_shortage)


def _merge(movements: Sequence[Movement], *, keep_empty: bool = False) -> list[Movement]:
    """One movement per (variant, location), in that order; empty ones dropped unless kept."""
    totals: dict[tuple[int, int], list[int]] = {}
    for m in movements:
        deltas = (
            m.on_hand,
            m.committed,
            m.damaged,
            m.quality_control,
            m.safety_stock,
            m.other_unavailable,
            m.incoming,
        )
        entry = totals.get(m.key)
        if entry is None:
            totals[m.key] = list(deltas)
        else:
            for i, delta in enumerate(deltas):
                entry[i] += delta
    return [Movement(k[0], k[1], *v) for k, v in sorted(totals.items()) if keep_empty or any(v)]


def _shortages(
    uow: UnitOfWork, movements: Sequence[Movement], *, every: bool = False
) -> list[Shortage]:
    """For the lines that failed: how much they take from available, and what is available.
    Only the lines that are short now, unless ``every``."""
    figures = ", ".join(f"coalesce(l.{s}, 0) AS {s}" for s in STATES)
    rows = uow.execute(
        text(
            f"SELECT k.v AS variant_id, k.l AS location_id, v.sku, "
            f"coalesce(l.available, 0) AS available, {figures} "
            "FROM unnest(:v, :l) AS k(v, l) JOIN variants v ON v.id = k.v "
            "LEFT JOIN inventory_levels l ON l.variant_id = k.v AND l.location_id = k.l"
        ).bindparams(bindparam("v", type_=_BIGINT_ARRAY), bindparam("l", type_=_BIGINT_ARRAY)),
        {"v": [m.variant_id for m in movements], "l": [m.location_id for m in movements]},
    ).all()
    by_key = {(r.variant_id, r.location_id): r for r in rows}
    shortages = []
    for m in movements:
        row = by_key[m.key]
        change = m.on_hand - m.committed - sum(getattr(m, s) for s in STATES[2:6])
        goes_negative = any(getattr(row, s) + getattr(m, s) < 0 for s in STATES)
        if every or row.available + change < 0 or goes_negative:
            wanted = max(-change, *(-getattr(m, s) for s in STATES))
            shortages.append(Shortage(row.sku, m.variant_id, m.location_id, wanted, row.available))
    return shortages


@dataclass(frozen=True)
class Discrepancy:
    variant_id: int
    location_id: int
    state: str
    figure: int
    ledger_sum: int


def verify_ledger(uow: UnitOfWork) -> list[Discrepancy]:
    """Every (variant, location, state) whose current figure differs from its ledger's sum."""
    sums = ", ".join(f"coalesce(sum(m.{s}_delta), 0) AS {s}" for s in STATES)
    rows = uow.execute(
        text(
            f"""
            WITH ledger AS (
                SELECT variant_id, location_id, {sums}
                FROM stock_movements m GROUP BY variant_id, location_id
            )
            SELECT coalesce(l.variant_id, g.variant_id) AS variant_id,
                   coalesce(l.location_id, g.location_id) AS location_id,
                   {
                ", ".join(
                    f"coalesce(l.{s}, 0) AS fig_{s}, coalesce(g.{s}, 0) AS sum_{s}" for s in STATES
                )
            }
            FROM inventory_levels l
            FULL JOIN ledger g USING (variant_id, location_id)
            WHERE {" OR ".join(f"coalesce(l.{s}, 0) <> coalesce(g.{s}, 0)" for s in STATES)}
            ORDER BY 1, 2
            """
        )
    ).all()
    return [
        Discrepancy(r.variant_id, r.location_id, s, getattr(r, f"fig_{s}"), getattr(r, f"sum_{s}"))
        for r in rows
        for s in STATES
        if getattr(r, f"fig_{s}") != getattr(r, f"sum_{s}")
    ]


__all__ = [
    "STATES",
    "Discrepancy",
    "Movement",
    "Reference",
    "ensure_levels",
    "lock_levels",
    "move_stock",
    "open_levels",
    "reserve",
    "verify_ledger",
]
