"""``merchant-office inventory ...``: stock from a shell: verify, adjust, import and export
Shopify's inventory CSV, read the ledger, list low stock and reorder.

Run on the store's own machine, these act as the system (as an admin would); the ledger and
the audit log say so.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.bootstrap import command_line_store
from app.cli.exits import ROWS_LEFT_OUT
from services.actors import Actor, system_actor
from services.errors import NotFound, ValidationFailed
from services.unit_of_work import Store
from services.wording import counted


def register(main: click.Group) -> None:
    main.add_command(inventory)


@click.group()
def inventory() -> None:
    """Stock: check it adds up, adjust it, import and export it, read its ledger."""


def _actor() -> Actor:
    return system_actor("Command line")


def _variant(store: Store, code: str) -> int:
    from services.inventory.levels import find_variants_by_code

    with store.unit_of_work() as uow:
        found = find_variants_by_code(uow.session, code)
    if not found:
        raise NotFound(f"No item has the SKU or barcode {code!r}.")
    if len(found) > 1:
        raise ValidationFailed(
            f"{counted(len(found), 'item')} have the code {code!r}: "
            + ", ".join(v.label for v in found)
            + ". Use a SKU."
        )
    return found[0].variant_id


@inventory.command()
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when all is well.")
def verify(quiet: bool) -> None:
    """Prove every stock figure equals the sum of its ledger movements, and every incoming
    figure equals what open transfers and purchase orders still bring. Exits with 1 when
    something does not add up."""
    from services.inventory.history import check_inventory

    with command_line_store() as store:
        check = check_inventory(store.unit_of_work())
    if check.ok:
        if not quiet:
            click.echo(
                f"Stock adds up: {counted(check.levels, 'level')} agree with "
                f"{counted(check.movements, 'ledger movement')}."
            )
        return
    for d in check.discrepancies:
        click.echo(
            f"variant {d.variant_id} at location {d.location_id}: {d.state.replace('_', ' ')} "
            f"is {d.figure} but the ledger sums to {d.ledger_sum}"
        )
    for m in check.incoming_mismatches:
        click.echo(
            f"variant {m.variant_id} at location {m.location_id}: incoming is {m.incoming} but "
            f"open transfers and purchase orders bring {m.on_documents}"
        )
    problems = len(check.discrepancies) + len(check.incoming_mismatches)
    click.echo(f"{problems} figure{'s' if problems != 1 else ''} do not add up.", err=True)
    sys.exit(1)


REASONS = click.Choice(
    [
        "correction",
        "count",
        "received",
        "return_restock",
        "damaged",
        "theft_or_loss",
        "promotion_or_donation",
        "other",
    ]
)


@inventory.command()
@click.argument("code")
@click.option("--location", help="Location code or name (default: the default location).")
@click.option("--by", "change", type=int, help="Change on hand by this many (+/-).")
@click.option("--set", "set_to", type=int, help="Set on hand to this figure.")
@click.option("--reason", type=REASONS, required=True, help="Why the stock changes.")
@click.option("--note", help="A note for the ledger.")
def adjust(
    code: str,
    location: str | None,
    change: int | None,
    set_to: int | None,
    reason: str,
    note: str | None,
) -> None:
    """Adjust the on-hand stock of the item with SKU or barcode CODE."""
    from services.inventory.adjustments import AdjustmentLine, adjust_stock
    from services.inventory.locations import find_location

    if (change is None) == (set_to is None):
        raise click.UsageError("Give either --by or --set.")
    with command_line_store() as store:
        place = find_location(store.unit_of_work(), location)
        variant = _variant(store, code)
        result = adjust_stock(
            store.unit_of_work(),
            _actor(),
            [AdjustmentLine(variant, place.id, change=change, set_to=set_to)],
            reason=reason,
            note=note,
        )
    [line] = result.lines
    click.echo(
        f"{result.number}: {line.variant.label} at {place.name}: on hand "
        f"{line.before.on_hand} -> {line.after.on_hand}, available {line.after.available}."
    )


def _location_map(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        name, equals, target = pair.rpartition("=")
        if not equals or not name.strip() or not target.strip():
            raise click.BadParameter(
                f'{pair!r}: write it as "Name in the file=CODE"', param_hint="--location-map"
            )
        mapping[name.strip()] = target.strip()
    return mapping


@inventory.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
@click.option(
    "--location-map",
    "location_map",
    multiple=True,
    metavar="NAME=CODE",
    help="Take the file's location NAME as the store's location CODE (or name), e.g. "
    '--location-map "Shop location=MAIN". Repeatable.',
)
@click.option(
    "--create-location",
    "create",
    multiple=True,
    metavar="NAME",
    help="Create a location for the file's location NAME when the store has none. Repeatable.",
)
def import_(
    file: Path, dry_run: bool, location_map: tuple[str, ...], create: tuple[str, ...]
) -> None:
    """Import a Shopify inventory CSV, in any layout Shopify has exported (told from the
    header): set on hand from "On hand (new)" (rows whose stock changed since the export are
    skipped); or from the 2023 layout's "On hand" (its "Available" where On hand is blank);
    or from the older layout's one column per location, whose cells are available stock.
    Available becomes on hand by adding what the store holds committed and unavailable.

    Rows are matched by handle and options (SKU alone only without a handle). Everything
    applies in one transaction. Exits with 3 when rows were left out (see merchant-office
    --help).
    """
    from services.inventory.shopify_csv import import_inventory_csv

    mapping = _location_map(location_map)
    with command_line_store() as store, file.open(newline="", encoding="utf-8-sig") as source:
        report = import_inventory_csv(
            store.unit_of_work(),
            _actor(),
            source,
            dry_run=dry_run,
            file_name=file.name,
            location_map=mapping,
            create_locations=create,
        )
    click.echo(f"{report.layout.label}. {report.layout.rule}")
    for issue in report.notes:
        click.echo(f"note line {issue.line} ({issue.item} at {issue.location}): {issue.message}")
    for issue in report.skipped:
        click.echo(f"skipped line {issue.line} ({issue.item} at {issue.location}): {issue.message}")
    for issue in report.errors:
        click.echo(f"problem line {issue.line} ({issue.item} at {issue.location}): {issue.message}")
    for name in report.unknown_locations:
        click.echo(
            f'The store has no location {name!r}: add --location-map "{name}=CODE" '
            f"(one of the codes in merchant-office inventory locations) or "
            f'--create-location "{name}".'
        )
    click.echo(report.summary())
    if report.left_rows_out:
        sys.exit(ROWS_LEFT_OUT)


@inventory.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--location", help="Only this location (code or name).")
def export(file: Path, location: str | None) -> None:
    """Export stock as a Shopify inventory CSV (one row per variant and location)."""
    from services.inventory.locations import find_location
    from services.inventory.shopify_csv import export_inventory_csv

    with command_line_store() as store:
        place_id = find_location(store.unit_of_work(), location).id if location else None
        with file.open("w", newline="", encoding="utf-8") as out:
            rows = export_inventory_csv(store.unit_of_work(), out, location_id=place_id)
    click.echo(f"Wrote {counted(rows, 'row')} to {file}.")


@inventory.command()
@click.option("--sku", "code", help="Only this item (SKU or barcode).")
@click.option("--location", help="Only this location (code or name).")
@click.option("--reason", multiple=True, help="Only these reasons (repeatable).")
@click.option("--document", help="Only this document: T-1001, PO-1001, C-1001, ADJ-1001, ...")
@click.option("--limit", type=int, default=50, show_default=True, help="Newest movements shown.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every matching movement to this CSV file instead.",
)
def ledger(
    code: str | None,
    location: str | None,
    reason: tuple[str, ...],
    document: str | None,
    limit: int,
    csv_file: Path | None,
) -> None:
    """Show (or export) the stock ledger, newest first."""
    from services.inventory.history import export_movements, list_movements
    from services.inventory.locations import find_location
    from services.paging import PageRequest

    with command_line_store() as store:
        filters: dict[str, object] = {}
        if code:
            filters["variant_id"] = _variant(store, code)
        if location:
            filters["location_id"] = find_location(store.unit_of_work(), location).id
        if reason:
            filters["reason"] = list(reason)
        if document:
            filters["reference_id"] = document
        if csv_file:
            with csv_file.open("w", newline="", encoding="utf-8") as out:
                rows = export_movements(store.unit_of_work(), out, filters=filters)
            click.echo(f"Wrote {counted(rows, 'movement')} to {csv_file}.")
            return
        page = list_movements(store.unit_of_work(), PageRequest(limit=limit, filters=filters))
    if not page.rows:
        click.echo("No movements match.")
        return
    for m in page.rows:
        click.echo(
            f"{m.occurred_at.astimezone():%Y-%m-%d %H:%M}  {m.sku or m.product_title:<16.16} "
            f"{m.location_name:<14.14} {m.changes:<32.32} {m.reason_label:<20.20} "
            f"{m.document:<22.22} {m.staff_name}"
        )


@inventory.command("low-stock")
@click.option("--location", help="Only this location (code or name).")
@click.option(
    "--order-from",
    "supplier_name",
    help="Draft a purchase order from this supplier for everything suggested.",
)
def low_stock(location: str | None, supplier_name: str | None) -> None:
    """List items at or below their reorder point, with what to order."""
    from services.inventory.locations import find_location
    from services.inventory.purchasing import list_suppliers
    from services.inventory.replenishment import list_low_stock, order_low_stock
    from services.paging import PageRequest

    with command_line_store() as store:
        place = find_location(store.unit_of_work(), location) if location or supplier_name else None
        filters = {"location_id": place.id} if place else {}
        rows = []
        after = None
        while True:
            page = list_low_stock(
                store.unit_of_work(), PageRequest(limit=500, after=after, filters=filters)
            )
            rows += page.rows
            if page.next_after is None:
                break
            after = page.next_after
        if not rows:
            click.echo("Nothing is at or below its reorder point.")
            return
        for r in rows:
            click.echo(
                f"{r.sku or r.product_title:<20.20} {r.location_name:<16.16} available "
                f"{r.available:>5}  incoming {r.incoming:>5}  point {r.reorder_point:>5}  "
                f"order {r.suggested:>5}"
            )
        if supplier_name and place:
            matches = [
                s
                for s in list_suppliers(store.unit_of_work(), supplier_name)
                if s.name.lower() == supplier_name.lower()
            ]
            if not matches:
                raise NotFound(f"There is no supplier called {supplier_name!r}.")
            lines = [(r.variant_id, r.suggested) for r in rows if r.suggested]
            order = order_low_stock(
                store.unit_of_work(),
                _actor(),
                supplier_id=matches[0].id,
                location_id=place.id,
                lines=lines,
            )
            click.echo(
                f"Drafted {order.number} from {order.supplier_name}: "
                f"{counted(len(order.lines), 'item')}, {counted(order.units, 'unit')}."
            )


@inventory.command()
def locations() -> None:
    """List the locations and how many bins each has."""
    from services.inventory.locations import list_locations

    with command_line_store() as store:
        rows = list_locations(store.unit_of_work(), include_closed=True)
    if not rows:
        click.echo("No locations yet: merchant-office inventory add-location CODE NAME")
    for r in rows:
        marks = " (default)" if r.is_default else ""
        marks += "" if r.is_active else " (closed)"
        bins = "bin " if r.bin_count == 1 else "bins"
        click.echo(f"{r.code:<10} {r.name:<30} {r.bin_count:>4} {bins}{marks}")


@inventory.command("add-location")
@click.argument("code")
@click.argument("name")
@click.option("--default", "is_default", is_flag=True, help="Make it the default location.")
@click.option("--bin", "bins", multiple=True, help="A bin code (repeatable).")
def add_location(code: str, name: str, is_default: bool, bins: tuple[str, ...]) -> None:
    """Add a location with code CODE called NAME."""
    from services.inventory.locations import create_location

    with command_line_store() as store:
        row = create_location(
            store.unit_of_work(), _actor(), code=code, name=name, is_default=is_default, bins=bins
        )
    click.echo(f"Added {row.name} ({row.code}) with {counted(len(set(bins)), 'bin')}.")


@inventory.command("rename-location")
@click.argument("location")
@click.argument("name")
def rename_location_command(location: str, name: str) -> None:
    """Rename the location with code or name LOCATION to NAME (its code stays)."""
    from services.inventory.locations import find_location, rename_location

    with command_line_store() as store:
        place = find_location(store.unit_of_work(), location)
        row = rename_location(store.unit_of_work(), _actor(), place.id, name, version=place.version)
    click.echo(f"{row.code} is now called {row.name} (it was {place.name}).")
