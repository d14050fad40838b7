"""Shopify's inventory CSV, in every layout Shopify has exported.

Export writes today's layout: one row per variant and location, with ``On hand (current)`` and
``On hand (new)``. Import reads that layout, the 2023 one (``Location`` with ``Available`` and
``On hand``) and the older one (a column per location, cells the available quantity), told
apart by the header (``Layout``; ``Layout.rule`` says which figure each sets and how). It
changes on-hand stock (and home bins) only. ``On hand (current)`` is a guard: a row asking for
a change whose stock moved since the export is skipped and reported, never overwritten, and a
row whose ``On hand (new)`` equals it asks for nothing; a row asking for the on hand the store
already has is unchanged, so applying a file twice changes nothing the second time. Items the
store does not count (``track_stock`` false) and blank quantities are left alone with a note.
The whole file applies in one transaction; a dry run reports what would happen and changes
nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TextIO

from sqlalchemy import func, select, text

from models.catalog import Product, Variant
from models.inventory import Bin, InventoryLevel, Location
from models.status import MovementReason
from services.actors import Actor
from services.errors import ValidationFailed
from services.exports.cells import csv_writer
from services.inventory.ledger import Movement, Reference, ensure_levels, move_stock
from services.inventory.levels import Figures, announce_levels, locked_figures, read_figures
from services.inventory.locations import add_location, insert_bins, unused_code
from services.progress import NO_PROGRESS, Progress
from services.unit_of_work import UnitOfWork
from services.wording import counted

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
                progress.report(written, total, f"{counted(written, 'row')} written")
    return written


# -- import ------------------------------------------------------------------------------------

#: the columns every layout starts with, before its location and quantity columns
FIXED = COLUMNS[:11]


class Layout(Enum):
    """The inventory CSV layouts Shopify has exported, told apart by their header."""

    #: ``On hand (current)`` / ``On hand (new)``, one row per variant and location (since 2024)
    ON_HAND_NEW = "on_hand_new"
    #: ``Location``, ``Incoming``, ``Unavailable``, ``Committed``, ``Available``, ``On hand``
    ROWS_2023 = "rows_2023"
    #: one column per location, whose cells are the available quantity (before 2023)
    LOCATION_COLUMNS = "location_columns"

    @property
    def label(self) -> str:
        return {
            Layout.ON_HAND_NEW: "Shopify inventory CSV with On hand (current) and On hand (new)",
            Layout.ROWS_2023: "Shopify inventory CSV of 2023, one row per item and location",
            Layout.LOCATION_COLUMNS: "Shopify inventory CSV with one column per location",
        }[self]

    @property
    def rule(self) -> str:
        """Which figure the layout sets, and how, in the merchant's terms."""
        derived = (
            "on hand becomes that available plus what this store holds committed to orders "
            "and unavailable (damaged, quality control, safety stock) at the location"
        )
        return {
            Layout.ON_HAND_NEW: "Sets on hand to “On hand (new)”. A row whose “On hand "
            "(current)” is no longer the store's on hand is skipped, not overwritten.",
            Layout.ROWS_2023: "Sets on hand to the file's “On hand”, which wins over its "
            "“Available”. Where “On hand” is blank, “Available” is used: " + derived + ". "
            "Incoming, Unavailable and Committed are Shopify's and are not imported.",
            Layout.LOCATION_COLUMNS: "Each location's cell is Shopify's available quantity: "
            + derived
            + ".",
        }[self]


@dataclass(frozen=True)
class RowIssue:
    """A row not applied (or applied with a remark), and why, in the merchant's terms."""

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
    #: the item-and-location figures the rows hold (one per row but in the per-location layout)
    figures: int = 0
    #: rows whose stock changed since the export: skipped, never overwritten
    skipped: tuple[RowIssue, ...] = field(default_factory=tuple)
    #: rows that could not be read or applied (unknown item, bad number, ...)
    errors: tuple[RowIssue, ...] = field(default_factory=tuple)
    dry_run: bool = False
    reference: str | None = None
    layout: Layout = Layout.ON_HAND_NEW
    #: remarks on rows: how a figure was derived, a SKU that is not the matched item's, a
    #: blank quantity left alone
    notes: tuple[RowIssue, ...] = field(default_factory=tuple)
    #: location names in the file the store has no location for (map or create them)
    unknown_locations: tuple[str, ...] = field(default_factory=tuple)
    #: locations created for the file's names, as "name (CODE)"
    created_locations: tuple[str, ...] = field(default_factory=tuple)

    @property
    def left_rows_out(self) -> bool:
        """Whether some rows were (or would be) skipped or refused."""
        return bool(self.skipped or self.errors)

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        read = f"{counted(self.rows, 'row')} read"
        if self.figures > self.rows:
            read += f" ({counted(self.figures, 'figure')}, one per item and location)"
        parts = [read, f"{self.changed} {verb}", f"{self.unchanged} unchanged"]
        if self.bins_changed:
            parts.append(f"{counted(self.bins_changed, 'bin')} {verb.split()[-1]}")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped because the stock changed since export")
        if self.errors:
            parts.append(f"{len(self.errors)} with problems")
        if self.unknown_locations:
            parts.append(
                f"{len(self.unknown_locations)} location"
                f"{'s' if len(self.unknown_locations) != 1 else ''} not in the store: "
                + ", ".join(self.unknown_locations)
            )
        if self.created_locations:
            made = "would be created" if self.dry_run else "created"
            parts.append(f"locations {made}: {', '.join(self.created_locations)}")
        return "; ".join(parts) + "."


@dataclass
class _Row:
    line: int
    item: str
    location_name: str
    variant_id: int | None = None
    location_id: int | None = None
    #: ``On hand (current)``: the guard of the layout that has it
    current: int | None = None
    #: the on hand the file asks for
    on_hand: int | None = None
    #: the available the file gives, when it gives no on hand
    available: int | None = None
    not_stocked: bool = False
    bin_name: str | None = None


@dataclass
class _Cell:
    """One variant at one location as the file has it, before looking at the store."""

    line: int
    record: dict[str, str]
    location_name: str
    figures: dict[str, str]


def import_inventory_csv(
    uow: UnitOfWork,
    actor: Actor,
    source: TextIO,
    *,
    dry_run: bool = False,
    file_name: str | None = None,
    location_map: Mapping[str, str] | None = None,
    create_locations: Iterable[str] = (),
    progress: Progress = NO_PROGRESS,
) -> ImportReport:
    """Apply a Shopify inventory CSV, in any layout Shopify has exported (``Layout``, told
    from the header; ``Layout.rule`` says which figure each sets), to on-hand stock in one
    transaction: every change the report lists, or none. A dry run reports and changes
    nothing.

    A row is matched to its item by handle and option values; its SKU is only a cross-check
    (a note when it differs), and matches alone only when the row has no handle. A location
    the file names is found by name or code, or as ``location_map`` says (the file's name ->
    a location's code or name); a name in ``create_locations`` the store lacks becomes a new
    location. Rows at a location still unknown are refused, and the report lists its name.

    Raises ValidationFailed when the file is in none of the layouts, or a map names a
    location the store lacks; PermissionDenied (``inventory.adjust``; bins and new locations
    also need ``inventory.settings``). Row problems do not raise: they are in the report.
    """
    reader = csv.reader(_lines(source))
    header = [h.strip() for h in next(reader, [])]
    layout, location_columns = _layout(header)
    cells = list(_cells(reader, header, layout, location_columns))
    errors: list[RowIssue] = []
    skipped: list[RowIssue] = []
    notes: list[RowIssue] = []
    with uow:
        uow.require(actor, "inventory.adjust")
        may_set_bins = actor.can("inventory.settings")
        batch = uow.new_batch()
        places = _Places(uow, actor, location_map or {}, create_locations)
        places.create([c.location_name for c in cells])
        rows = _resolve(uow, layout, cells, places, errors, notes)
        held = read_figures(uow.session, [_key(r) for r in rows])
        policies: dict[int, str] = {}
        untracked: set[int] = set()
        for variant_id, policy, tracked in uow.session.execute(
            select(Variant.id, Variant.inventory_policy, Variant.track_stock).where(
                Variant.id.in_({r.variant_id for r in rows})
            )
        ).all():
            policies[variant_id] = policy
            if not tracked:
                untracked.add(variant_id)
        wanted: list[tuple[_Row, int]] = []
        bins: list[tuple[_Row, str]] = []
        unchanged = 0
        seen: set[tuple[int, int]] = set()
        for done, row in enumerate(rows, start=1):
            if done % 1000 == 0:
                progress.report(done, len(rows), f"{done:,} of {counted(len(rows), 'row')} checked")
            if _key(row) in seen:
                errors.append(_issue(row, "appears twice in the file; only the first row is used"))
                continue
            seen.add(_key(row))
            if row.bin_name is not None:
                bins.append((row, row.bin_name))
            if row.variant_id in untracked:
                notes.append(
                    _issue(row, "the store does not count this item's stock: left as it is")
                )
                unchanged += 1
                continue
            refused = len(errors)
            target = _target(row, held[_key(row)], policies[_key(row)[0]], errors, notes)
            if target is None or target == held[_key(row)].on_hand:
                unchanged += len(errors) == refused
                continue
            wanted.append((row, target))
        # lock what changes, in order, and decide on the locked figures: a sale since the
        # read above moves a derived on hand, and the guard must see the latest on hand
        figures = locked_figures(uow, [_key(r) for r, _ in wanted])
        movements: list[Movement] = []
        for row, _ in wanted:
            now = figures[_key(row)]
            refused = len(errors)
            target = _target(row, now, policies[_key(row)[0]], errors, [])
            if target is None or target == now.on_hand:
                unchanged += len(errors) == refused
            elif row.current is not None and row.current != now.on_hand:
                skipped.append(
                    _issue(
                        row,
                        f"on hand was {row.current} when exported and is {now.on_hand} now; "
                        f"{target} was not applied",
                    )
                )
            else:
                movements.append(Movement(*_key(row), on_hand=target - now.on_hand))
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
                levels_locked=True,
            )
            uow.audit(
                actor,
                "inventory.import",
                "inventory_import",
                reference,
                after={
                    "file": file_name,
                    "layout": layout.value,
                    "changed": len(movements),
                    "skipped": len(skipped),
                    "errors": len(errors),
                    "locations_created": places.created,
                },
            )
            announce_levels(uow, [m.key for m in movements], reason="import", reference=reference)
        report = ImportReport(
            rows=len({c.line for c in cells}),
            figures=len(cells),
            changed=len(movements),
            unchanged=unchanged,
            bins_changed=bins_changed,
            skipped=tuple(skipped),
            errors=tuple(sorted(errors, key=lambda e: e.line)),
            dry_run=dry_run,
            reference=reference if movements else None,
            layout=layout,
            notes=tuple(sorted(notes, key=lambda e: e.line)),
            unknown_locations=tuple(places.unknown),
            created_locations=tuple(places.created),
        )
        if not dry_run:
            uow.commit()
        return report


def _key(row: _Row) -> tuple[int, int]:
    return (row.variant_id, row.location_id)  # type: ignore[return-value]


def _layout(header: list[str]) -> tuple[Layout, list[str]]:
    """The file's layout, and its location columns (the older layout's)."""
    names = set(header)
    if {"SKU", "Handle"} & names and "Location" in names:
        if "On hand (new)" in names:
            return Layout.ON_HAND_NEW, []
        if {"On hand", "Available"} & names:
            return Layout.ROWS_2023, []
    if {"Handle", "SKU", "Option1 Value"} <= names and "Location" not in names:
        places = [h for h in header if h and h not in FIXED]
        if places:
            return Layout.LOCATION_COLUMNS, places
    raise ValidationFailed(
        "This is not a Shopify inventory CSV. Its header must be one Shopify has exported: "
        "Handle, the options, SKU, then Location with On hand (current) and On hand (new); "
        "or Location with Available and On hand (2023); or one column per location (older)."
    )


def _cells(
    reader: Iterator[list[str]], header: list[str], layout: Layout, location_columns: list[str]
) -> Iterator[_Cell]:
    figure_columns = {
        Layout.ON_HAND_NEW: ("On hand (current)", "On hand (new)", "Bin name"),
        Layout.ROWS_2023: ("On hand", "Available"),
    }
    for line, values in enumerate(reader, start=2):
        record = {h: (v or "").strip() for h, v in zip(header, values, strict=False)}
        if not any(record.values()):
            continue
        if layout is Layout.LOCATION_COLUMNS:
            for place in location_columns:
                yield _Cell(line, record, place, {"Available": record.get(place, "")})
        else:
            columns = figure_columns[layout]
            yield _Cell(
                line,
                record,
                record.get("Location", ""),
                {c: record[c] for c in columns if c in record},
            )


class _Places:
    """The store's open locations by name and code, the merchant's map of the file's names,
    and the locations made for names the merchant chose to create."""

    def __init__(
        self,
        uow: UnitOfWork,
        actor: Actor,
        location_map: Mapping[str, str],
        create: Iterable[str],
    ) -> None:
        self._uow, self._actor = uow, actor
        self._by_name: dict[str, int] = {}
        for place_id, code, name in uow.session.execute(
            select(Location.id, Location.code, Location.name).where(Location.is_active)
        ).all():
            self._by_name[name.strip().casefold()] = place_id
            self._by_name.setdefault(code.strip().casefold(), place_id)
        self._mapped: dict[str, int] = {}
        for name, target in location_map.items():
            place = self._by_name.get(target.strip().casefold())
            if place is None:
                raise ValidationFailed(
                    f"{name!r} is mapped to {target!r}, but the store has no open location "
                    "with that code or name."
                )
            self._mapped[name.strip().casefold()] = place
        self._create = {n.strip().casefold() for n in create}
        self.unknown: list[str] = []
        self.created: list[str] = []

    def find(self, name: str) -> int | None:
        key = name.strip().casefold()
        found = self._mapped.get(key, self._by_name.get(key))
        if found is None and name.strip() not in self.unknown:
            self.unknown.append(name.strip())
        return found

    def create(self, names: Iterable[str]) -> None:
        """Create the locations chosen to be created that the store (or the map) lacks."""
        for name in dict.fromkeys(n.strip() for n in names):
            key = name.casefold()
            if key in self._create and key not in self._mapped and key not in self._by_name:
                code = unused_code(self._uow, name)
                made = add_location(self._uow, self._actor, code=code, name=name)
                self._by_name[key] = made.id
                self.created.append(f"{name} ({code})")


def _target(
    row: _Row, now: Figures, policy: str, errors: list[RowIssue], notes: list[RowIssue]
) -> int | None:
    """The on hand the row asks for at ``now``, or None when it asks for none (a note or an
    error says why, where there is something to say)."""
    if row.not_stocked:
        if now.on_hand or now.committed or now.incoming:
            errors.append(_issue(row, f"cannot be marked not stocked while {now.on_hand} on hand"))
        return None
    if row.on_hand is None and row.available is None:
        if row.current is None:
            notes.append(
                _issue(
                    row,
                    "no quantity (Shopify leaves it blank where it does not track the item's "
                    "stock): left as it is",
                )
            )
        return None
    if row.current is not None and row.on_hand == row.current:
        return None  # "On hand (new)" left as exported asks for no change
    held = now.committed + now.unavailable
    target = row.on_hand
    if target is None:
        target = int(row.available or 0) + held
        if held and target != now.on_hand:
            notes.append(
                _issue(
                    row,
                    f"available {row.available} in the file; on hand set to {target}: that plus "
                    f"{now.committed} committed and {now.unavailable} unavailable here",
                )
            )
    elif row.available is not None and row.available != target - held:
        notes.append(
            _issue(
                row,
                f"the file's Available {row.available} is not its On hand {target} less the "
                f"{held} held here; On hand was used",
            )
        )
    if policy == "deny" and target - held < 0 and target != now.on_hand:
        if target < 0:
            errors.append(
                _issue(row, f"{target} on hand is below zero, but this item may not be oversold")
            )
        else:
            errors.append(
                _issue(
                    row,
                    f"{target} on hand is less than the {held} committed to orders or unavailable",
                )
            )
        return None
    return target


def _lines(source: TextIO) -> Iterator[str]:
    """The file's lines without a byte-order mark (Excel writes one)."""
    first = True
    for line in source:
        if first:
            line = line.lstrip("\ufeff")
            first = False
        yield line


def _issue(row: _Row, message: str) -> RowIssue:
    return RowIssue(row.line, row.item, row.location_name, message)


def _number(value: str) -> int | None:
    if value == "":
        return None
    cleaned = value.replace(",", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    return int(cleaned)


def _options(record: Mapping[str, str]) -> tuple[str, str, str]:
    values = [record.get(f"Option{i} Value", "").casefold() for i in (1, 2, 3)]
    if values[0] == "default title" and not any(values[1:]):
        values = ["", "", ""]
    return values[0], values[1], values[2]


def _resolve(
    uow: UnitOfWork,
    layout: Layout,
    cells: list[_Cell],
    places: _Places,
    errors: list[RowIssue],
    notes: list[RowIssue],
) -> list[_Row]:
    """Rows with their variant and location found, or an error each."""
    handles = {c.record.get("Handle", "") for c in cells} - {""}
    by_options: dict[tuple[str, str, str, str], tuple[int, str | None]] = {}
    known_handles: set[str] = set()
    for handle, o1, o2, o3, variant_id, sku in uow.session.execute(
        select(
            Product.handle,
            Variant.option1,
            Variant.option2,
            Variant.option3,
            Variant.id,
            Variant.sku,
        )
        .join(Product, Product.id == Variant.product_id)
        .where(Product.handle.in_(handles))
    ).all():
        known_handles.add(handle)
        values = [(o or "").casefold() for o in (o1, o2, o3)]
        if values[0] == "default title" and not any(values[1:]):
            values = ["", "", ""]
        by_options[(handle, *values)] = (variant_id, sku)  # type: ignore[index]
    skus = {c.record.get("SKU", "") for c in cells if not c.record.get("Handle")} - {""}
    by_sku = dict(
        uow.session.execute(select(Variant.sku, Variant.id).where(Variant.sku.in_(skus))).all()
    )
    rows = []
    said: set[int] = set()  # lines whose item was reported: once, not once per location
    for cell in cells:
        r = cell.record
        sku, handle = r.get("SKU", ""), r.get("Handle", "")
        options = [r.get(f"Option{i} Value", "") for i in (1, 2, 3)]
        shown = " / ".join(o for o in options if o and o != "Default Title")
        item = sku or (f"{handle} {shown}".strip() if handle else "(no SKU or handle)")
        row = _Row(cell.line, item, cell.location_name)
        # the location first, so that the report names every location the store lacks
        row.location_id = places.find(cell.location_name)
        if row.location_id is None:
            errors.append(
                _issue(
                    row,
                    f"the store has no location called {cell.location_name!r}: map it to one "
                    "of the store's locations, or create it",
                )
            )
            continue
        first = cell.line not in said
        said.add(cell.line)
        if handle:
            found = by_options.get((handle, *_options(r)))
            if found is None:
                if first:
                    errors.append(
                        _issue(
                            row,
                            f"no variant of {handle!r} has the options {shown!r}"
                            if handle in known_handles
                            else f"no product has the handle {handle!r}",
                        )
                    )
                continue
            row.variant_id, own_sku = found
            if sku and sku != (own_sku or "") and first:
                notes.append(
                    _issue(
                        row,
                        f"the file's SKU {sku} is not this item's "
                        f"({own_sku or 'it has none'}); matched by handle and options",
                    )
                )
        else:
            row.variant_id = by_sku.get(sku)
            if row.variant_id is None:
                if first:
                    errors.append(_issue(row, "no variant has this SKU (or handle and options)"))
                continue
        if not _read_figures(row, cell.figures, layout, errors):
            continue
        if "Bin name" in cell.figures:
            row.bin_name = cell.figures["Bin name"]
        rows.append(row)
    return rows


def _read_figures(
    row: _Row, figures: dict[str, str], layout: Layout, errors: list[RowIssue]
) -> bool:
    """Read the row's quantities into it; False (and an error) when one is not a number."""
    wanted = {
        Layout.ON_HAND_NEW: "On hand (new)",
        Layout.ROWS_2023: "On hand",
        Layout.LOCATION_COLUMNS: "Available",
    }[layout]
    for column, value in figures.items():
        if column == "Bin name":
            continue
        if value.casefold() == NOT_STOCKED:
            row.not_stocked |= column == wanted
            continue
        try:
            number = _number(value)
        except ValueError:
            where = "" if layout is Layout.LOCATION_COLUMNS else f"{column} "
            errors.append(
                _issue(row, f"{where}must be a whole number (or 'not stocked'), not {value!r}")
            )
            return False
        if column == "On hand (current)":
            row.current = number
        elif column in ("On hand (new)", "On hand"):
            row.on_hand = number
        else:
            row.available = number
    if row.not_stocked and (row.on_hand is not None or row.available is not None):
        row.not_stocked = False
    return True


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
