"""Stock counts: scan the bin, scan the items, see the variances, post them as adjustments.

A count covers a location, a range of its bins, or the items matching a filter. Every scan is
its own small transaction (several people can count one location at once, and nothing is lost
if a workstation dies). Orders keep reserving and shipping meanwhile, so a variant's expected
quantity is its on-hand figure at its first scan: the current figure minus the ledger's
movements since that scan. Posting locks the levels, recomputes, and writes one "count"
movement per difference, all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, text

from models.inventory import Bin, Location, StockCount, StockCountScan
from models.staff import Staff
from models.status import (
    COUNT_TRANSITIONS,
    CountStatus,
    MovementReason,
)
from services.actors import Actor
from services.errors import InvalidTransition, NotFound, ValidationFailed
from services.inventory.documents import (
    announce,
    check_status_change,
    lock_document,
)
from services.inventory.ledger import STATES, Movement, Reference, move_stock
from services.inventory.levels import (
    TOPIC_COUNT,
    Figures,
    VariantRef,
    announce_levels,
    find_variants_by_code,
    keyset,
    require_variants,
    variant_refs,
)
from services.paging import Page, PageRequest
from services.unit_of_work import UnitOfWork
from services.wording import counted

STATUS_LABELS = {
    CountStatus.OPEN: "Open",
    CountStatus.POSTED: "Posted",
    CountStatus.CANCELLED: "Cancelled",
}


@dataclass(frozen=True)
class CountScope:
    """What a count covers. Empty: the whole location."""

    #: first and last bin code, inclusive, in walking order (codes compared byte by byte)
    bins: tuple[str, str] | None = None
    vendor: str | None = None
    product_type: str | None = None
    sku_prefix: str | None = None

    @property
    def is_everything(self) -> bool:
        return self == CountScope()

    def to_json(self) -> dict[str, Any]:
        if self.bins:
            return {"bins": list(self.bins)}
        wanted = {
            k: v
            for k, v in (
                ("vendor", self.vendor),
                ("product_type", self.product_type),
                ("sku_prefix", self.sku_prefix),
            )
            if v
        }
        return {"filter": wanted} if wanted else {}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CountScope:
        if data.get("bins"):
            first, last = data["bins"]
            return cls(bins=(first, last))
        wanted = data.get("filter") or {}
        return cls(
            vendor=wanted.get("vendor"),
            product_type=wanted.get("product_type"),
            sku_prefix=wanted.get("sku_prefix"),
        )

    def describe(self) -> str:
        if self.bins:
            return f"bins {self.bins[0]} to {self.bins[1]}"
        parts = []
        if self.vendor:
            parts.append(f"vendor {self.vendor}")
        if self.product_type:
            parts.append(f"type {self.product_type}")
        if self.sku_prefix:
            parts.append(f"SKUs starting {self.sku_prefix}")
        return ", ".join(parts) or "everything"


class ScanKind(StrEnum):
    #: an item was counted
    ITEM = "item"
    #: a bin label: count the following items there
    BIN = "bin"
    #: no item or bin has this code; identify the item or skip
    UNKNOWN = "unknown"
    #: several items share this code; choose one
    AMBIGUOUS = "ambiguous"
    #: the location has bins: scan one before the items
    NEED_BIN = "need_bin"


class ScanFlag(StrEnum):
    #: the item's home bin is another one
    WRONG_BIN = "wrong_bin"
    #: the item (or bin) is outside what this count covers; it will not be posted
    NOT_IN_COUNT = "not_in_count"
    #: the item has never been stocked at this location
    NOT_STOCKED_HERE = "not_stocked_here"
    #: more counted than the stock says there is
    OVER_COUNT = "over_count"


@dataclass(frozen=True)
class CountScanResult:
    kind: ScanKind
    code: str
    message: str
    variant: VariantRef | None = None
    scan_id: int | None = None
    bin_id: int | None = None
    bin_code: str | None = None
    #: units of this variant counted so far in this count
    counted: int = 0
    #: units this scan counted (or, for an undo, took off)
    quantity: int = 0
    expected: int | None = None
    flags: tuple[ScanFlag, ...] = ()
    candidates: tuple[VariantRef, ...] = ()

    @property
    def ok(self) -> bool:
        """A clean scan: confirm it with the good sound; anything else wants attention."""
        return self.kind in (ScanKind.ITEM, ScanKind.BIN) and not self.flags


@dataclass(frozen=True)
class CountDetail:
    id: int
    number: str
    status: str
    location_id: int
    location_name: str
    scope: CountScope
    started_by: str | None
    created_at: datetime
    posted_at: datetime | None
    version: int
    scanned_units: int
    counted_items: int
    #: whether the location has bins, so the screen asks for a bin first
    location_has_bins: bool = False


@dataclass(frozen=True)
class VarianceLine:
    variant: VariantRef
    home_bin: str | None
    expected: int
    counted: int
    scans: int
    in_scope: bool

    @property
    def variance(self) -> int:
        return self.counted - self.expected

    @property
    def state(self) -> str:
        if not self.in_scope:
            return "not in count"
        if self.scans == 0:
            return "not counted"
        if self.variance == 0:
            return "matches"
        return "over" if self.variance > 0 else "short"


@dataclass(frozen=True)
class CountPosting:
    number: str
    adjusted_lines: int
    units_added: int
    units_removed: int
    lines: tuple[VarianceLine, ...] = field(default_factory=tuple)


# -- starting, listing ------------------------------------------------------------------------


def start_count(
    uow: UnitOfWork, actor: Actor, location_id: int, scope: CountScope | None = None
) -> CountDetail:
    """Open a count of a location (or some of its bins, or the items matching a filter).

    Raises NotFound (location), ValidationFailed (an empty bin range), PermissionDenied
    (``inventory.count``).
    """
    scope = scope or CountScope()
    with uow:
        uow.require(actor, "inventory.count")
        place = uow.session.get(Location, location_id)
        if place is None or not place.is_active:
            raise NotFound(f"Location {location_id} does not exist or is closed.")
        if scope.bins:
            first, last = scope.bins
            if first > last:
                scope = CountScope(bins=(last, first))
        watermark = _watermark(uow)
        count = StockCount(
            location_id=location_id,
            scope=scope.to_json(),
            started_after_movement_id=watermark,
            started_by=actor.staff_id,
        )
        uow.session.add(count)
        uow.session.flush()
        uow.audit(
            actor,
            "inventory.count.start",
            "stock_count",
            count.id,
            after={"number": count.number, "location_id": location_id, "scope": scope.to_json()},
        )
        announce(uow, TOPIC_COUNT, "stock_count", count)
        detail = _detail(uow, count.id)
        uow.commit()
        return detail


def get_count(uow: UnitOfWork, count_id: int) -> CountDetail:
    with uow:
        return _detail(uow, count_id)


@dataclass(frozen=True)
class CountSummary:
    id: int
    number: str
    status: str
    location_name: str
    scope: str
    started_by: str | None
    created_at: datetime
    posted_at: datetime | None


def list_counts(uow: UnitOfWork, request: PageRequest) -> Page[CountSummary]:
    """Counts, newest first. Filters: ``status``, ``location_id``."""
    statement = (
        select(
            StockCount.id,
            StockCount.number,
            StockCount.status,
            StockCount.scope,
            Location.name.label("location_name"),
            Staff.full_name.label("started_by"),
            StockCount.created_at,
            StockCount.posted_at,
        )
        .join(Location, Location.id == StockCount.location_id)
        .outerjoin(Staff, Staff.id == StockCount.started_by)
    )
    if request.filters.get("status"):
        status = request.filters["status"]
        statement = statement.where(
            StockCount.status.in_([status] if isinstance(status, str) else list(status))
        )
    if request.filters.get("location_id"):
        statement = statement.where(StockCount.location_id == request.filters["location_id"])
    with uow:
        rows, next_after = keyset(
            uow.session, statement, [StockCount.id], request.after, request.limit, True
        )
        return Page(
            [
                CountSummary(
                    r.id,
                    r.number,
                    r.status,
                    r.location_name,
                    CountScope.from_json(r.scope).describe(),
                    r.started_by,
                    r.created_at,
                    r.posted_at,
                )
                for r in rows
            ],
            next_after,
        )


# -- scanning ----------------------------------------------------------------------------------


def scan_for_count(
    uow: UnitOfWork,
    actor: Actor,
    count_id: int,
    code: str,
    *,
    bin_id: int | None = None,
    quantity: int = 1,
) -> CountScanResult:
    """Handle one scanned (or typed) code during a count, in its own transaction.

    A bin label answers ``BIN`` (the screen then sends that ``bin_id`` with the next scans).
    An item's code counts ``quantity`` units of it in ``bin_id`` and answers ``ITEM`` with the
    running count and any flags (wrong bin, not in this count, never stocked here, more than
    expected). An unknown code answers ``UNKNOWN`` and counts nothing; the screen then offers
    to identify the item (``record_count``) or skip.

    Raises InvalidTransition (the count is closed), NotFound, PermissionDenied.
    """
    code = code.strip()
    if not code:
        raise ValidationFailed("The scan was empty; scan again.")
    with uow:
        uow.require(actor, "inventory.count")
        count = _open_count(uow, count_id)
        scope = CountScope.from_json(count.scope)
        found_bin = uow.session.execute(
            select(Bin.id, Bin.code).where(Bin.location_id == count.location_id, Bin.code == code)
        ).one_or_none()
        if found_bin is not None:
            flags = () if _bin_in_scope(scope, found_bin.code) else (ScanFlag.NOT_IN_COUNT,)
            message = f"Bin {found_bin.code}"
            if flags:
                message += f" is not in this count ({scope.describe()})"
            return CountScanResult(
                ScanKind.BIN,
                code,
                message,
                bin_id=found_bin.id,
                bin_code=found_bin.code,
                flags=flags,
            )
        variants = find_variants_by_code(uow.session, code)
        if not variants:
            return CountScanResult(
                ScanKind.UNKNOWN,
                code,
                f"Unknown code {code}: identify the item or skip it.",
                bin_id=bin_id,
            )
        if len(variants) > 1:
            return CountScanResult(
                ScanKind.AMBIGUOUS,
                code,
                f"{counted(len(variants), 'item')} have the code {code}: choose one.",
                bin_id=bin_id,
                candidates=tuple(variants),
            )
        result = _record(uow, actor, count, variants[0], code, bin_id, quantity)
        if result.scan_id is not None:
            uow.commit()
        return result


def record_count(
    uow: UnitOfWork,
    actor: Actor,
    count_id: int,
    variant_id: int,
    *,
    quantity: int = 1,
    bin_id: int | None = None,
    code: str | None = None,
) -> CountScanResult:
    """Count ``quantity`` units of a variant chosen by hand (an unknown barcode identified, a
    typed quantity). A negative quantity corrects an earlier count, never below zero."""
    with uow:
        uow.require(actor, "inventory.count")
        count = _open_count(uow, count_id)
        variant = require_variants(uow.session, [variant_id])[variant_id]
        result = _record(uow, actor, count, variant, code, bin_id, quantity)
        if result.scan_id is not None:
            uow.commit()
        return result


def undo_last_scan(uow: UnitOfWork, actor: Actor, count_id: int) -> CountScanResult | None:
    """Void this person's last scan in the count; returns what it was (None when there is
    nothing left to undo). Others' scans are not touched."""
    with uow:
        uow.require(actor, "inventory.count")
        count = _open_count(uow, count_id)
        scan = uow.session.scalar(
            select(StockCountScan)
            .where(
                StockCountScan.count_id == count.id,
                StockCountScan.staff_id == actor.staff_id,
                StockCountScan.voided_at.is_(None),
            )
            .order_by(StockCountScan.id.desc())
            .limit(1)
            .with_for_update()
        )
        if scan is None:
            return None
        scan.voided_at = datetime.now(UTC)
        uow.session.flush()
        variant = variant_refs(uow.session, [scan.variant_id])[scan.variant_id]
        counted, expected = _running(uow, count, scan.variant_id)
        uow.audit(
            actor,
            "inventory.count.undo",
            "stock_count",
            count.id,
            before={"scan": scan.id, "variant_id": scan.variant_id, "quantity": scan.quantity},
        )
        result = CountScanResult(
            ScanKind.ITEM,
            scan.scanned_code or "",
            f"Undone: {scan.quantity} × {variant.label}; {counted} counted now.",
            variant=variant,
            scan_id=scan.id,
            bin_id=scan.bin_id,
            counted=counted,
            quantity=-scan.quantity,
            expected=expected,
        )
        announce(uow, TOPIC_COUNT, "stock_count", count)
        uow.commit()
        return result


def _record(
    uow: UnitOfWork,
    actor: Actor,
    count: StockCount,
    variant: VariantRef,
    code: str | None,
    bin_id: int | None,
    quantity: int,
) -> CountScanResult:
    if quantity == 0:
        raise ValidationFailed("Count at least 1.")
    has_bins = uow.session.scalar(
        select(func.count()).select_from(Bin).where(Bin.location_id == count.location_id)
    )
    if has_bins and bin_id is None:
        return CountScanResult(
            ScanKind.NEED_BIN,
            code or "",
            f"Scan a bin label first, then {variant.label}.",
            variant=variant,
        )
    bin_code = None
    if bin_id is not None:
        bin_code = uow.session.scalar(
            select(Bin.code).where(Bin.id == bin_id, Bin.location_id == count.location_id)
        )
        if bin_code is None:
            raise ValidationFailed("That bin is not at this count's location; scan the bin again.")
    home = uow.execute(
        text(
            "SELECT l.bin_id, b.code AS bin_code FROM inventory_levels l "
            "LEFT JOIN bins b ON b.id = l.bin_id WHERE l.variant_id = :v AND l.location_id = :l"
        ),
        {"v": variant.variant_id, "l": count.location_id},
    ).one_or_none()
    if quantity < 0:
        counted_now, _ = _running(uow, count, variant.variant_id)
        if counted_now + quantity < 0:
            raise ValidationFailed(
                f"Only {counted_now} of {variant.label} counted; cannot take off {-quantity}."
            )
    scan = StockCountScan(
        count_id=count.id,
        variant_id=variant.variant_id,
        bin_id=bin_id,
        quantity=quantity,
        scanned_code=code,
        staff_id=actor.staff_id,
        after_movement_id=_watermark(uow),
    )
    uow.session.add(scan)
    uow.session.flush()
    counted, expected = _running(uow, count, variant.variant_id)
    flags = []
    notes = []
    scope = CountScope.from_json(count.scope)
    if home is None:
        flags.append(ScanFlag.NOT_STOCKED_HERE)
        notes.append("never stocked here")
    elif home.bin_id is not None and bin_id is not None and home.bin_id != bin_id:
        flags.append(ScanFlag.WRONG_BIN)
        notes.append(f"belongs in {home.bin_code}, not {bin_code}")
    if not _variant_in_scope(uow, count, scope, variant.variant_id, home, bin_code):
        flags.append(ScanFlag.NOT_IN_COUNT)
        notes.append(f"not in this count ({scope.describe()}); it will not be posted")
    if counted > max(expected, 0):
        flags.append(ScanFlag.OVER_COUNT)
        notes.append(f"more than the {expected} expected")
    message = f"{variant.label}: {counted} counted"
    if notes:
        message += " — " + "; ".join(notes)
    return CountScanResult(
        ScanKind.ITEM,
        code or "",
        message,
        variant=variant,
        scan_id=scan.id,
        bin_id=bin_id,
        bin_code=bin_code,
        counted=counted,
        quantity=quantity,
        expected=expected,
        flags=tuple(flags),
    )


def _running(uow: UnitOfWork, count: StockCount, variant_id: int) -> tuple[int, int]:
    """(units counted so far, units expected) for one variant of an open count."""
    row = uow.execute(
        text(
            """
            WITH s AS (
                SELECT coalesce(sum(quantity), 0) AS counted,
                       coalesce(min(after_movement_id), :start) AS watermark
                FROM stock_count_scans
                WHERE count_id = :c AND variant_id = :v AND voided_at IS NULL
            )
            SELECT s.counted,
                   coalesce((SELECT on_hand FROM inventory_levels
                             WHERE variant_id = :v AND location_id = :l), 0)
                   - coalesce((SELECT sum(on_hand_delta) FROM stock_movements
                               WHERE variant_id = :v AND location_id = :l
                                 AND id > s.watermark), 0) AS expected
            FROM s
            """
        ),
        {
            "c": count.id,
            "v": variant_id,
            "l": count.location_id,
            "start": count.started_after_movement_id,
        },
    ).one()
    return int(row.counted), int(row.expected)


def _bin_in_scope(scope: CountScope, code: str) -> bool:
    if not scope.bins:
        return True
    # byte order, like the database's COLLATE "C": "A-10" after "A-09", whatever the locale
    first, last = (b.encode() for b in scope.bins)
    return first <= code.encode() <= last


def _variant_in_scope(
    uow: UnitOfWork,
    count: StockCount,
    scope: CountScope,
    variant_id: int,
    home: Any,
    bin_code: str | None,
) -> bool:
    if scope.is_everything:
        return True
    if scope.bins:
        if home is not None and home.bin_code is not None:
            return _bin_in_scope(scope, home.bin_code)
        # no home bin: it belongs to the bins it is found in
        return bin_code is not None and _bin_in_scope(scope, bin_code)
    condition, params = _filter_condition(scope)
    return bool(
        uow.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM variants v JOIN products p ON p.id = v.product_id "
                f"WHERE v.id = :v AND {condition})"
            ),
            {"v": variant_id, **params},
        ).scalar_one()
    )


def _filter_condition(scope: CountScope) -> tuple[str, dict[str, Any]]:
    parts, params = [], {}
    if scope.vendor:
        parts.append("lower(p.vendor) = lower(:vendor)")
        params["vendor"] = scope.vendor
    if scope.product_type:
        parts.append("lower(p.product_type) = lower(:product_type)")
        params["product_type"] = scope.product_type
    if scope.sku_prefix:
        parts.append("starts_with(lower(v.sku), lower(:sku_prefix))")
        params["sku_prefix"] = scope.sku_prefix
    return " AND ".join(parts) or "true", params


# -- variances and posting ---------------------------------------------------------------------


def count_variances(uow: UnitOfWork, count_id: int) -> list[VarianceLine]:
    """Expected against counted for every item the count covers or found, in walking order
    (home bin, then SKU). Items covered but neither expected nor counted are left out."""
    with uow:
        count = uow.session.get(StockCount, count_id)
        if count is None:
            raise NotFound(f"Count {count_id} no longer exists.")
        return _variances(uow, count)


def _scope_sql(count: StockCount) -> tuple[str, str, str, dict[str, Any]]:
    """SQL pieces for what a count covers: (a scanned line is in scope, a level is covered,
    a scan is inside the bin range) and their parameters."""
    scope = CountScope.from_json(count.scope)
    params: dict[str, Any] = {
        "c": count.id,
        "l": count.location_id,
        "start": count.started_after_movement_id,
    }
    if scope.bins:
        params["first"], params["last"] = scope.bins
        # covered: homed in the range, or without a home bin and found in the range
        return (
            '(hb.code COLLATE "C" BETWEEN :first AND :last) OR '
            "(hb.code IS NULL AND s.in_range_scans > 0)",
            'hb.code COLLATE "C" BETWEEN :first AND :last',
            'sb.code COLLATE "C" BETWEEN :first AND :last',
            params,
        )
    if scope.is_everything:
        return "true", "true", "true", params
    condition, extra = _filter_condition(scope)
    params.update(extra)
    return condition, condition, "true", params


def _variances(uow: UnitOfWork, count: StockCount) -> list[VarianceLine]:
    """Every line of the count with its expected and counted quantities, in walking order.

    Expected is the level's on hand now less the ledger's on-hand movements since the
    variant's first scan (since the count started, for what was never scanned). One statement,
    with the variants' names, so a 5,000-line count is read in one round trip.
    """
    in_scope, covered_levels, in_range, params = _scope_sql(count)
    rows = uow.execute(
        text(
            f"""
            WITH s AS (
                SELECT sc.variant_id, sum(sc.quantity) AS counted, count(*) AS scans,
                       min(sc.after_movement_id) AS watermark,
                       count(*) FILTER (WHERE {in_range}) AS in_range_scans
                FROM stock_count_scans sc LEFT JOIN bins sb ON sb.id = sc.bin_id
                WHERE sc.count_id = :c AND sc.voided_at IS NULL
                GROUP BY sc.variant_id
            ),
            covered AS (
                SELECT l.variant_id FROM inventory_levels l
                JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
                LEFT JOIN bins hb ON hb.id = l.bin_id
                WHERE l.location_id = :l AND ({covered_levels})
            ),
            lines AS (
                SELECT coalesce(s.variant_id, covered.variant_id) AS variant_id,
                       coalesce(s.watermark, :start) AS watermark
                FROM s FULL JOIN covered USING (variant_id)
            ),
            since AS (
                SELECT m.variant_id, sum(m.on_hand_delta) AS moved
                FROM stock_movements m JOIN lines USING (variant_id)
                WHERE m.location_id = :l AND m.id > :start AND m.id > lines.watermark
                  AND m.on_hand_delta <> 0
                GROUP BY m.variant_id
            )
            SELECT lines.variant_id, coalesce(s.counted, 0) AS counted,
                   coalesce(s.scans, 0) AS scans, hb.code AS home_bin,
                   coalesce(l.on_hand, 0) - coalesce(since.moved, 0) AS expected,
                   coalesce(({in_scope}), false) AS in_scope,
                   v.sku, p.title AS product_title,
                   coalesce(nullif(concat_ws(' / ', v.option1, v.option2, v.option3), ''),
                            'Default Title') AS variant_title,
                   v.inventory_policy, v.cost
            FROM lines
            JOIN variants v ON v.id = lines.variant_id JOIN products p ON p.id = v.product_id
            LEFT JOIN inventory_levels l
                   ON l.variant_id = lines.variant_id AND l.location_id = :l
            LEFT JOIN bins hb ON hb.id = l.bin_id
            LEFT JOIN s ON s.variant_id = lines.variant_id
            LEFT JOIN since ON since.variant_id = lines.variant_id
            ORDER BY hb.code COLLATE "C" NULLS LAST, v.sku COLLATE "C" NULLS LAST, v.id
            """
        ),
        params,
    ).all()
    return [
        VarianceLine(
            VariantRef(
                r.variant_id,
                r.sku,
                r.product_title,
                r.variant_title,
                r.inventory_policy,
                r.cost,
            ),
            r.home_bin,
            int(r.expected),
            int(r.counted),
            int(r.scans),
            bool(r.in_scope),
        )
        for r in rows
        if r.scans or r.expected
    ]


def _lock_count_levels(uow: UnitOfWork, count: StockCount) -> dict[int, Figures]:
    """Create the levels of scanned items never stocked here, then lock every level the count
    may post to (covered or scanned) in variant order; returns their figures by variant."""
    _, covered_levels, _, params = _scope_sql(count)
    uow.execute(
        text(
            "INSERT INTO inventory_levels (variant_id, location_id) "
            "SELECT DISTINCT variant_id, CAST(:l AS bigint) FROM stock_count_scans "
            "WHERE count_id = :c AND voided_at IS NULL ORDER BY 1 ON CONFLICT DO NOTHING"
        ),
        params,
    )
    figures = ", ".join(f"l.{s}" for s in STATES)
    rows = uow.execute(
        text(
            f"""
            SELECT l.variant_id, l.location_id, {figures} FROM inventory_levels l
            JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
            LEFT JOIN bins hb ON hb.id = l.bin_id
            WHERE l.location_id = :l AND (
                ({covered_levels}) OR l.variant_id IN (
                    SELECT variant_id FROM stock_count_scans
                    WHERE count_id = :c AND voided_at IS NULL))
            ORDER BY l.variant_id FOR UPDATE OF l
            """
        ),
        params,
    ).all()
    return {
        r.variant_id: Figures(r.variant_id, r.location_id, **{s: getattr(r, s) for s in STATES})
        for r in rows
    }


def post_count(
    uow: UnitOfWork, actor: Actor, count_id: int, *, version: int | None = None
) -> CountPosting:
    """Post an open count: one "count" movement per item whose counted quantity differs from
    the expected one, all or nothing. Items found outside the count are not posted.

    Raises ValidationFailed when a deny-policy item would end with less on hand than is
    committed to orders or unavailable (nothing is posted; the count stays open),
    InvalidTransition (already posted or cancelled), Conflict (stale ``version``),
    PermissionDenied (``inventory.count``).
    """
    with uow:
        uow.require(actor, "inventory.count")
        count = lock_document(uow, StockCount, count_id, version, "Count")
        check_status_change(count, COUNT_TRANSITIONS, CountStatus.POSTED, STATUS_LABELS, "Count")
        # lock first: then nothing can move these levels, and one reading of the variances
        # is the one posted
        figures = _lock_count_levels(uow, count)
        lines = [line for line in _variances(uow, count) if line.in_scope and line.variance]
        problems = []
        for line in lines:
            now = figures[line.variant.variant_id]
            if line.variant.inventory_policy == "deny" and now.available + line.variance < 0:
                held = now.committed + now.unavailable
                problems.append(
                    f"{line.variant.label}: {now.on_hand + line.variance} would be on hand "
                    f"but {held} are committed to orders or unavailable"
                )
        if problems:
            raise ValidationFailed(
                f"Count {count.number} was not posted: "
                + "; ".join(problems[:20])
                + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
                + ". Recount, or release those orders first."
            )
        movements = [
            Movement(line.variant.variant_id, count.location_id, on_hand=line.variance)
            for line in lines
        ]
        if movements:
            move_stock(
                uow,
                actor,
                movements,
                reason=MovementReason.COUNT,
                reference=Reference("count", count.number),
                levels_locked=True,
            )
        count.status = CountStatus.POSTED
        count.posted_at = datetime.now(UTC)
        uow.session.flush()
        added = sum(line.variance for line in lines if line.variance > 0)
        removed = -sum(line.variance for line in lines if line.variance < 0)
        uow.audit(
            actor,
            "inventory.count.post",
            "stock_count",
            count.id,
            before={"status": CountStatus.OPEN.value},
            after={
                "status": CountStatus.POSTED.value,
                "adjusted_lines": len(lines),
                "units_added": added,
                "units_removed": removed,
            },
        )
        announce_levels(
            uow, [m.key for m in movements], reason=MovementReason.COUNT, reference=count.number
        )
        announce(uow, TOPIC_COUNT, "stock_count", count)
        posting = CountPosting(count.number, len(lines), added, removed, tuple(lines))
        uow.commit()
        return posting


def cancel_count(uow: UnitOfWork, actor: Actor, count_id: int) -> CountDetail:
    """Abandon an open count; its scans are kept for the record, nothing is posted."""
    with uow:
        uow.require(actor, "inventory.count")
        count = lock_document(uow, StockCount, count_id, None, "Count")
        check_status_change(count, COUNT_TRANSITIONS, CountStatus.CANCELLED, STATUS_LABELS, "Count")
        count.status = CountStatus.CANCELLED
        uow.session.flush()
        uow.audit(
            actor,
            "inventory.count.cancel",
            "stock_count",
            count.id,
            before={"status": "open"},
            after={"status": "cancelled"},
        )
        announce(uow, TOPIC_COUNT, "stock_count", count)
        detail = _detail(uow, count.id)
        uow.commit()
        return detail


# -- helpers -----------------------------------------------------------------------------------


def _watermark(uow: UnitOfWork) -> int:
    """The newest ledger row this transaction can see."""
    return int(uow.execute(text("SELECT coalesce(max(id), 0) FROM stock_movements")).scalar_one())


def _open_count(uow: UnitOfWork, count_id: int) -> StockCount:
    """The count, share-locked so it cannot be posted while this scan is being recorded (and a
    scan waits for a posting in progress, then sees the count closed)."""
    count = uow.session.get(
        StockCount, count_id, with_for_update={"read": True}, populate_existing=True
    )
    if count is None:
        raise NotFound(f"Count {count_id} no longer exists.")
    if count.status != CountStatus.OPEN:
        raise InvalidTransition(
            f"Count {count.number} is {STATUS_LABELS[CountStatus(count.status)].lower()}; "
            "start a new count to keep counting."
        )
    return count


def _detail(uow: UnitOfWork, count_id: int) -> CountDetail:
    count = uow.session.get(StockCount, count_id, populate_existing=True)
    if count is None:
        raise NotFound(f"Count {count_id} no longer exists.")
    place = uow.session.get(Location, count.location_id)
    assert place is not None
    starter = (
        uow.session.scalar(select(Staff.full_name).where(Staff.id == count.started_by))
        if count.started_by
        else None
    )
    totals = uow.execute(
        text(
            "SELECT coalesce(sum(quantity), 0) AS units, count(DISTINCT variant_id) AS items "
            "FROM stock_count_scans WHERE count_id = :c AND voided_at IS NULL"
        ),
        {"c": count.id},
    ).one()
    has_bins = bool(
        uow.session.scalar(
            select(func.count()).select_from(Bin).where(Bin.location_id == count.location_id)
        )
    )
    return CountDetail(
        id=count.id,
        number=count.number,
        status=count.status,
        location_id=count.location_id,
        location_name=place.name,
        scope=CountScope.from_json(count.scope),
        started_by=starter,
        created_at=count.created_at,
        posted_at=count.posted_at,
        version=count.version,
        scanned_units=int(totals.units),
        counted_items=int(totals.items),
        location_has_bins=has_bins,
    )


__all__ = [
    "CountDetail",
    "CountPosting",
    "CountScanResult",
    "CountScope",
    "CountSummary",
    "ScanFlag",
    "ScanKind",
    "VarianceLine",
    "cancel_count",
    "count_variances",
    "get_count",
    "list_counts",
    "post_count",
    "record_count",
    "scan_for_count",
    "start_count",
    "undo_last_scan",
]
