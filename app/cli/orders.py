"""``merchant-office print pick-list|packing-slips``: the warehouse's paper, from a shell.

Run from the store's own machine, these act as the system; ``--picker`` names who walks.
"""

from __future__ import annotations

from pathlib import Path

import click

from app.bootstrap import command_line_store
from services.documents import render_packing_slips, render_pick_list
from services.orders.picking import build_packing_slips, build_pick_list, pick_list_order_ids
from services.wording import counted


def register(main: click.Group) -> None:
    # Other areas print too (labels, reports): share one ``print`` group whoever adds it first.
    group = main.commands.get("print")
    if not isinstance(group, click.Group):
        group = print_group
        main.add_command(group)
    group.add_command(pick_list)
    group.add_command(packing_slips)


@click.group("print")
def print_group() -> None:
    """Print documents to PDF files: pick lists, packing slips."""


def _location_id(store, code: str | None) -> int | None:  # type: ignore[no-untyped-def]
    if code is None:
        return None
    from sqlalchemy import select

    from models.inventory import Location

    with store.unit_of_work() as uow:
        location_id = uow.session.scalar(select(Location.id).where(Location.code == code))
    if location_id is None:
        raise click.BadParameter(f"there is no location {code!r}", param_hint="--location")
    return location_id


def _numbers(values: tuple[str, ...]) -> list[int]:
    numbers = []
    for value in values:
        for part in value.replace(",", " ").split():
            digits = part.strip().removeprefix("#")
            if not digits.isdigit():
                raise click.BadParameter(f"{part!r} is not an order number", param_hint="ORDERS")
            numbers.append(int(digits))
    return numbers


@click.command("pick-list")
@click.argument("orders", nargs=-1)
@click.option("--location", help="Location code: its orders only (with --paid-unfulfilled).")
@click.option(
    "--paid-unfulfilled", is_flag=True, help="Every paid order not yet fulfilled (not cancelled)."
)
@click.option("--picker", default="", help="Who walks the list (printed in the header).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("pick-list.pdf"),
    show_default=True,
    help="The PDF file to write.",
)
def pick_list(
    orders: tuple[str, ...], location: str | None, paid_unfulfilled: bool, picker: str, output: Path
) -> None:
    """Write one pick list for ORDERS (numbers like 1042 or #1042), sorted by bin.

    \b
    Examples:
      merchant-office print pick-list 1042 1043 1047 -o batch.pdf
      merchant-office print pick-list --paid-unfulfilled --location MAIN --picker Sam
    """
    with command_line_store() as store:
        ids = pick_list_order_ids(
            store.unit_of_work(),
            numbers=_numbers(orders),
            location_id=_location_id(store, location),
            paid_unfulfilled=paid_unfulfilled,
        )
        pick = build_pick_list(store.unit_of_work(), ids, picker=picker)
    output.write_bytes(render_pick_list(pick))
    click.echo(
        f"Wrote {output}: batch {pick.batch}, {counted(len(pick.orders), 'order')}, "
        f"{counted(len(pick.rows), 'pick row')}, {counted(pick.total_units, 'unit')}."
    )


@click.command("packing-slips")
@click.argument("orders", nargs=-1)
@click.option("--location", help="Location code: its orders only (with --paid-unfulfilled).")
@click.option("--paid-unfulfilled", is_flag=True, help="Every paid order not yet fulfilled.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("packing-slips.pdf"),
    show_default=True,
    help="The PDF file to write.",
)
def packing_slips(
    orders: tuple[str, ...], location: str | None, paid_unfulfilled: bool, output: Path
) -> None:
    """Write a packing slip per order (one page each) for ORDERS."""
    with command_line_store() as store:
        ids = pick_list_order_ids(
            store.unit_of_work(),
            numbers=_numbers(orders),
            location_id=_location_id(store, location),
            paid_unfulfilled=paid_unfulfilled,
        )
        slips = build_packing_slips(store.unit_of_work(), ids)
    output.write_bytes(render_packing_slips(slips))
    click.echo(f"Wrote {output}: {len(slips)} packing slips.")
