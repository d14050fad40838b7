"""Shopify's inventory CSV: one row per variant and location.

Export writes Shopify's columns. Import changes on-hand stock (and home bins) only, and treats
``On hand (current)`` as a guard: a row asking for a change whose stock moved since the file
was exported is skipped and reported, never overwritten. Rows whose ``On hand (new)`` equals
their ``On hand (current)`` ask for no change and are left alone. The whole file applies in one
transaction; a dry run reports what would happen and changes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import func, select, text

from models.catalog import Product, Variant
from models.inventory import Bin, InventoryLevel, Location
from models.status import MovementReason
from services.actors import Actor
from services.errors import ValidationFailed
from services.exports.cells import csv_writer
from services.inventory.ledger import Movement, Reference, ensure_levels, move_stock
from services.inventory.levels import Figures, announce_levels, locked_figures
from services.inventory.locations import insert_bins
from services.progress import NO_PROGRESS, Progress
from services.unit_of_work import UnitOfWork

COLUMNS = (
    "Handle",
    "Title",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "SKU",
    "HS Code",
    "COO",
    "Location",
    "Bin name",
    "Incoming (not editable)",
    "Unavailable (not editable)",
    "Committed (not editable)",
    "Available (not editable)",
    "On hand (current)",
    "On hand (new)",
)
NOT_STOCKED = "not stocked"


# -- export ------------------------------------------------------------------------------------


def export_inventory_csv(
    uow: UnitOfWork,
    out: TextIO,
    *,
    location_id: int | None = None,
    progress: Progress = NO_PROGRESS,
) -> int:
    """Write every variant at every active location (or one location) in Shopify's inventory
    CSV format, streaming; returns the rows written. ``On hand (new)`` starts equal to ``On
    hand (current)``: edit it, and import the file back."""
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    statement = text(
        f"""
        SELECT p.handle, p.title, v.option1, v.option2, v.option3, v.sku,
               loc.name AS location_name, b.code AS bin_code,
               coalesce(l.incoming, 0) AS incoming,
               coalesce(l.damaged + l.quality_control + l.safety_stock + l.other_unavailable, 0)
                   AS unavailable,
               coalesce(l.committed, 0) AS committed, coalesce(l.available, 0) AS available,
               coalesce(l.on_hand, 0) AS on_hand,
               (SELECT array_agg(o.name ORDER BY o.position) FROM product_options o
                 WHERE o.product_id = p.id) AS option_names
        FROM variants v
        JOIN products p ON p.id = v.product_id
        JOIN locations loc ON loc.is_active {"AND loc.id = :location" if location_id else ""}
        LEFT JOIN inventory_levels l ON l.variant_id = v.id AND l.location_id = loc.id
        LEFT JOIN bins b ON b.id = l.bin_id
        ORDER BY p.handle, v.position, v.id, loc.is_default DESC, loc.name
        """
    )
    written = 0
    with uow:
        total = None
        if progress is not NO_PROGRESS:
            total = uow.session.scalar(select(func.count()).select_from(Variant))
        result = uow.session.execute(
            statement.execution_options(yield_per=5000),
            {"location": location_id} if location_id else {},
        )
        for r in result:
            names = list(r.option_names or [])
            values = [r.option1, r.option2, r.option3]
            if not any(values):
                names, values = ["Title"], ["Default Title", None, None]
            pairs: list[str] = []
            for i in range(3):
                name = names[i] if i < len(names) else ""
                pairs += [name if values[i] else "", values[i] or ""]
            writer.writerow(
                (
                    r.handle,
                    r.title,
                    *pairs,
                    r.sku or "",
                    "",
                    "",
                    r.location_name,
                    r.bin_code or "",
                    r.incoming,
                    r.unavailable,
                    r.committed,
                    r.available,
                    r.on_hand,
                    r.on_hand,
                )
            )
            written += 1
            if written % 5000 == 0:
                progress.report(written, total, f"{written:,} rows written")
    return written


# -- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowIssue:
    """A row not applied, and why, in the merchant's terms."""

    line: int
    item: str
    location: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    rows: int
    changed: int
    unchanged: int
    bins_changed: int
    #: rows whose stock changed since the export: skipped, never overwritten
    skipped: tuple[RowIssue, ...] = field(default_factory=tuple)
    #: rows that could not be read or applied (unknown SKU, bad number, ...)
    errors: tuple[RowIssue, ...] = field(default_factory=tuple)
    dry_run: bool = False
    reference: str | None = None

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        parts = [f"{self.rows} rows read", f"{self.changed} {verb}", f"{self.unchanged} unchanged"]
        if self.bins_changed:
            parts.append(f"{self.bins_changed} bins {verb.split()[-1]}")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped because the stock changed since export")
        if self.errors:
            parts.append(f"{len(self.errors)} with problems")
        return "; ".join(parts) + "."


@dataclass
class _Row:
    line: int
    item: str
    location_name: str
    variant_id: int | None = None
    location_id: int | None = None
    current: int | None = None
    new: int | None = None
    not_stocked: bool = False
    bin_name: str | None = None


def import_inventory_csv(
    uow: UnitOfWork,
    actor: Actor,
    source: TextIO,
    *,
    dry_run: bool = False,
    file_name: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportReport:
    """Apply a Shopify inventory CSV to on-hand stock in one transaction (see the module).

    Raises ValidationFailed when the file is not a Shopify inventory CSV (no "Location" or "On
    hand (new)" column), PermissionDenied (``inventory.adjust``; bins also need
    ``inventory.settings``). Row problems do not raise: they are in the report.
    """
    reader = csv.DictReader(_lines(source))
    headers = {h.strip() for h in (reader.fieldnames or [])}
    missing = [h for h in ("Location", "On hand (new)") if h not in headers]
    if missing or not ({"SKU", "Handle"} & headers):
        raise ValidationFailed(
            "This is not a Shopify inventory CSV: it needs the columns Handle or SKU, "
            f"Location and On hand (new) (missing: {', '.join(missing) or 'Handle/SKU'})."
        )
    raw = [
        (n, {(k or "").strip(): (v or "").strip() for k, v in r.items()})
        for n, r in enumerate(reader, start=2)
    ]
    errors: list[RowIssue] = []
    skipped: list[RowIssue] = []
    with uow:
        uow.require(actor, "inventory.adjust")
        may_set_bins = actor.can("inventory.settings")
        batch = uow.new_batch()
        rows = _resolve(uow, raw, errors)
        keys = sorted({(r.variant_id, r.location_id) for r in rows if _wants_change(r)})  # type: ignore[misc]
        figures = locked_figures(uow, keys)  # type: ignore[arg-type]
        policies = dict(
            uow.session.execute(
                select(Variant.id, Variant.inventory_policy).where(
                    Variant.id.in_({k[0] for k in keys})
                )
            ).all()
        )
        movements: list[Movement] = []
        bins: list[tuple[_Row, str]] = []
        unchanged = 0
        seen: set[tuple[int, int]] = set()
        for done, row in enumerate(rows, start=1):
            if done % 1000 == 0:
                progress.report(done, len(rows), f"{done:,} of {len(rows):,} rows checked")
            key = (row.variant_id, row.location_id)
            if key in seen:
                errors.append(_issue(row, "appears twice in the file; only the first row is used"))
                continue
            seen.add(key)  # type: ignore[arg-type]
            if row.bin_name is not None:
                bins.append((row, row.bin_name))
            if not _wants_change(row):
                unchanged += 1
                continue
            now: Figures = figures[key]  # type: ignore[index]
            if row.not_stocked:
                if now.on_hand or now.committed or now.incoming:
                    errors.append(
                        _issue(row, f"cannot be marked not stocked while {now.on_hand} on hand")
                    )
                else:
                    unchanged += 1
                continue
            if row.current is not None and row.current != now.on_hand:
                skipped.append(
                    _issue(
                        row,
                        f"on hand was {row.current} when exported and is {now.on_hand} now; "
                        f"{row.new} was not applied",
                    )
                )
                continue
            delta = int(row.new or 0) - now.on_hand
            if delta == 0:
                unchanged += 1
                continue
            if policies.get(row.variant_id) == "deny" and now.available + delta < 0:
                held = now.committed + now.unavailable
                errors.append(
                    _issue(
                        row,
                        f"{row.new} on hand is less than the {held} committed to orders or "
                        "unavailable",
                    )
                )
                continue
            movements.append(Movement(row.variant_id, row.location_id, on_hand=delta))  # type: ignore[arg-type]
        bins_changed = _apply_bins(uow, actor, bins, may_set_bins, errors)
        reference = f"IMP-{batch[:8]}"
        if movements:
            move_stock(
                uow,
                actor,
                movements,
                reason=MovementReason.IMPORT,
                reference=Reference("import", reference),
                note=f"Shopify inventory CSV {file_name}" if file_name else "Shopify inventory CSV",
            )
            uow.audit(
                actor,
                "inventory.import",
                "inventory_import",
                reference,
                after={
                    "file": file_name,
                    "changed": len(movements),
                    "skipped": len(skipped),
                    "errors": len(errors),
                },
            )
            announce_levels(uow, [m.key for m in movements], reason="import", reference=reference)
        report = ImportReport(
            rows=len(raw),
            changed=len(movements),
            unchanged=unchanged,
            bins_changed=bins_changed,
            skipped=tuple(skipped),
            errors=tuple(sorted(errors, key=lambda e: e.line)),
            dry_run=dry_run,
            reference=reference if movements else None,
        )
        if not dry_run:
            uow.commit()
        return report


def _lines(source: TextIO) -> Iterator[str]:
    """The file's lines without a byte-order mark (Excel writes one)."""
    first = True
    for line in source:
        if first:
            line = line.lstrip("\ufeff")
            first = False
        yield line


def _wants_change(row: _Row) -> bool:
    """A row asks for a change unless its new figure is blank or equals the exported one."""
    if row.variant_id is None or row.location_id is None:
        return False
    if row.not_stocked:
        return True
    if row.new is None:
        return False
    return row.current is None or row.new != row.current


def _issue(row: _Row, message: str) -> RowIssue:
    return RowIssue(row.line, row.item, row.location_name, message)


def _number(value: str) -> int | None:
    if value == "":
        return None
    cleaned = value.replace(",", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    return int(cleaned)


def _resolve(
    uow: UnitOfWork, raw: list[tuple[int, dict[str, str]]], errors: list[RowIssue]
) -> list[_Row]:
    """Rows with their variant and location found, or an error each."""
    places: dict[str, int] = {}
    for place_id, code, name in uow.session.execute(
        select(Location.id, Location.code, Location.name).where(Location.is_active)
    ).all():
        places[name.strip().lower()] = place_id
        places.setdefault(code.strip().lower(), place_id)
    skus = {r.get("SKU", "") for _, r in raw if r.get("SKU")}
    by_sku = dict(
        uow.session.execute(select(Variant.sku, Variant.id).where(Variant.sku.in_(skus))).all()
    )
    handles = {r.get("Handle", "") for _, r in raw if r.get("Handle") and not r.get("SKU")}
    by_options: dict[tuple[str, str, str, str], int] = {}
    if handles:
        for handle, o1, o2, o3, variant_id in uow.session.execute(
            select(Product.handle, Variant.option1, Variant.option2, Variant.option3, Variant.id)
            .join(Product, Product.id == Variant.product_id)
            .where(Product.handle.in_(handles))
        ).all():
            by_options[(handle, o1 or "", o2 or "", o3 or "")] = variant_id
    rows = []
    for line, r in raw:
        sku, handle = r.get("SKU", ""), r.get("Handle", "")
        item = sku or handle or "(no SKU or handle)"
        row = _Row(line, item, r.get("Location", ""))
        if not any(r.values()):
            continue
        if sku:
            row.variant_id = by_sku.get(sku)
        elif handle:
            values = [r.get(f"Option{i} Value", "") for i in (1, 2, 3)]
            if values[0] == "Default Title":
                values = ["", "", ""]
            row.variant_id = by_options.get((handle, *values))  # type: ignore[arg-type]
        if row.variant_id is None:
            errors.append(_issue(row, "no variant has this SKU (or handle and options)"))
            continue
        row.location_id = places.get(row.location_name.lower())
        if row.location_id is None:
            errors.append(_issue(row, f"there is no open location called {row.location_name!r}"))
            continue
        new_text = r.get("On hand (new)", "")
        try:
            row.current = _number(r.get("On hand (current)", ""))
            if new_text.lower() == NOT_STOCKED:
                row.not_stocked = True
            else:
                row.new = _number(new_text)
        except ValueError:
            errors.append(_issue(row, "on hand must be a whole number (or 'not stocked')"))
            continue
        if "Bin name" in r:
            row.bin_name = r["Bin name"]
        rows.append(row)
    return rows


def _apply_bins(
    uow: UnitOfWork,
    actor: Actor,
    bins: Iterable[tuple[_Row, str]],
    allowed: bool,
    errors: list[RowIssue],
) -> int:
    """Set home bins that differ from the file's "Bin name"; a blank name leaves it alone."""
    wanted = [(row, name) for row, name in bins if name]
    if not wanted:
        return 0
    current = {
        (r.variant_id, r.location_id): r.code
        for r in uow.execute(
            select(InventoryLevel.variant_id, InventoryLevel.location_id, Bin.code)
            .join(Bin, Bin.id == InventoryLevel.bin_id)
            .where(InventoryLevel.variant_id.in_({row.variant_id for row, _ in wanted}))
        ).all()
    }
    changes = [
        (row, name)
        for row, name in wanted
        if current.get((row.variant_id, row.location_id)) != name
    ]
    if not changes:
        return 0
    if not allowed:
        for row, name in changes:
            errors.append(
                _issue(
                    row,
                    f"bin {name!r} not set: changing bins needs the "
                    "'locations, bins and reorder points' permission",
                )
            )
        return 0
    by_location: dict[int, set[str]] = {}
    for row, name in changes:
        by_location.setdefault(row.location_id, set()).add(name)  # type: ignore[arg-type]
    for place_id, names in by_location.items():
        insert_bins(uow, place_id, sorted(names))
    ensure_levels(uow, [(row.variant_id, row.location_id) for row, _ in changes])  # type: ignore[misc]
    params: list[dict[str, Any]] = [
        {"v": row.variant_id, "l": row.location_id, "code": name} for row, name in changes
    ]
    uow.session.execute(
        text(
            "UPDATE inventory_levels SET bin_id = (SELECT id FROM bins WHERE location_id = :l "
            "AND code = :code) WHERE variant_id = :v AND location_id = :l"
        ),
        params,
    )
    uow.audit_many(
        actor,
        "inventory.bin.assign",
        "inventory_level",
        [
            (
                f"{row.variant_id}:{row.location_id}",
                {"bin": current.get((row.variant_id, row.location_id))},
                {"bin": name},
            )
            for row, name in changes
        ],
        note="Shopify inventory CSV",
    )
    return len(changes)
